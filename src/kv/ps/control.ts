// A node's link to the scheduler (worker net thread and server): join (ADD_NODE), heartbeats,
// barriers. The scheduler answering nothing for the timeout, or telling the job to abort, fails
// every pending request and calls `onAbort`.
import { decode, encode, field, KVTimeoutError, ProtocolError, text, type DistEnv, type Meta } from './protocol.js';
import type { Link, Transport } from './transport.js';

/** How long a job may take to form (every process started and joined). */
export const joinWindow = (env: DistEnv): number => env.joinMs;

export interface Welcome { rank: number; servers: string[]; numWorkers: number; numServers: number }

export class Control {
  private link!: Link;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: Meta) => void; reject: (e: Error) => void; what: string }>();
  private lastHeard = Date.now();
  private timer?: ReturnType<typeof setInterval>;
  private closed = false;
  aborted?: Error;
  onAbort: (e: Error) => void = () => undefined;

  constructor(private readonly env: DistEnv, private readonly transport: Transport, readonly nodeId: string) {}

  /** Dials the scheduler and waits for the full node list. `address`: this node's own listening address (servers). */
  async join(address = ''): Promise<Welcome> {
    const root = `tcp://${this.env.rootUri}:${this.env.rootPort}`;
    this.link = await this.transport.dial(root, this.nodeId, this.env.maxMessage);
    void this.loop();
    const hb = Math.max(50, Math.min(this.env.timeoutMs / 4, 2000));
    this.timer = setInterval(() => {
      // Before the job has formed, processes may still be starting: a longer window (joinWindow).
      if (Date.now() - this.lastHeard > (this.label ? this.env.timeoutMs : joinWindow(this.env))) this.abort(new KVTimeoutError(`${this.who()}: the scheduler at ${root} has not answered for ` +
        `${Date.now() - this.lastHeard} ms (dead or unreachable)`));
      else void this.link.send(encode({ c: 'hb' })).catch(() => undefined);
    }, hb);
    this.timer.unref?.();
    // The scheduler waits for every node; the timeout is its to enforce (it answers heartbeats meanwhile).
    const m = await this.request({ c: 'hello', role: this.env.role, addr: address, task: this.env.taskId }, 'joining the job', 0);
    return {
      rank: field(m, 'rank'), servers: (m.servers as unknown[]).map((s) => { if (typeof s !== 'string') throw new ProtocolError('welcome: bad server list'); return s; }),
      numWorkers: field(m, 'numWorkers'), numServers: field(m, 'numServers'),
    };
  }
  /** How messages name this node (its rank once known). */
  label = '';
  private who(): string { return this.label || `${this.env.role} ${this.nodeId}`; }

  /** Sends `meta` and waits for the answer with the same id (timeout 0: only the scheduler's liveness bounds it). */
  request(meta: Meta, what: string, timeoutMs = this.env.timeoutMs): Promise<Meta> {
    if (this.aborted) return Promise.reject(this.aborted);
    const id = this.nextId++;
    return new Promise<Meta>((resolve, reject) => {
      let t: ReturnType<typeof setTimeout> | undefined;
      if (timeoutMs) t = setTimeout(() => { this.pending.delete(id); reject(new KVTimeoutError(`${this.who()}: no answer from the scheduler to ${what} within ${timeoutMs} ms`)); }, timeoutMs);
      this.pending.set(id, { resolve: (m) => { clearTimeout(t); resolve(m); }, reject: (e) => { clearTimeout(t); reject(e); }, what });
      this.link.send(encode({ ...meta, id })).catch((e) => { this.pending.delete(id); clearTimeout(t); reject(e); });
    });
  }
  /** Sends without waiting for an answer. */
  tell(meta: Meta): Promise<void> { return this.link.send(encode(meta)); }

  private async loop(): Promise<void> {
    while (!this.closed) {
      let parts;
      try { parts = await this.link.receive(); } catch { return; }
      this.lastHeard = Date.now();
      let meta: Meta;
      try { meta = decode(parts).meta; } catch (e) { this.abort(e as Error); return; }
      if (meta.c === 'hb') continue;
      if (meta.c === 'abort') { this.abort(new KVTimeoutError(`${this.who()}: job aborted by the scheduler: ${String(meta.msg)}`)); return; }
      const id = typeof meta.id === 'number' ? meta.id : -1;
      const p = this.pending.get(id);
      if (!p) continue;
      this.pending.delete(id);
      if (meta.c === 'err') p.reject(new KVTimeoutError(`${this.who()}: ${p.what}: ${text(meta, 'msg', 65536)}`));
      else p.resolve(meta);
    }
  }
  /** Fails everything pending; later requests fail at once. */
  abort(e: Error): void {
    if (this.aborted) return;
    this.aborted = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.onAbort(e);
  }
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.link?.close();
  }
}
