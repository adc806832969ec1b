// The worker's network thread. The KVStore API is synchronous (Module calls push/pull inside its
// step), so the sockets live here: the main thread posts a request and sleeps on an Atomics
// counter until the answer is posted back (receiveMessageOnPort). With a shared wasm memory the
// gradients are sent straight from it and pulled values written straight into it (no JS copy);
// otherwise the main thread ships copies.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Control } from './control.js';
import { decode, encode, KVTimeoutError, ProtocolError, text, type DistEnv, type Meta } from './protocol.js';
import { zmqTransport, type Link, type Part } from './transport.js';
import { viewOf } from '../../runtime/mem-view.js';

/**
 * One chunk of one server slice of a key in a request: values [o, o + m) of the slice's n.
 * `off`: where the sent bytes are (shared memory), `dst`: where a pulled value goes (default `off`).
 */
export interface Item { k: number; name: string; server: number; part: number; n: number; o: number; m: number; off?: number; dst?: number; data?: Float32Array; q?: Uint8Array }
export type Request =
  | { id: number; op: 'init' | 'push' | 'pull' | 'pushpull'; items: Item[] }
  | { id: number; op: 'barrier' }
  | { id: number; op: 'cmd'; name: string; args: Record<string, unknown>; bytes?: Uint8Array; only?: number }
  | { id: number; op: 'close'; stop: boolean }
  | { id: number; op: 'kill' };
export interface Reply { id: number; error?: string; rank?: number; numServers?: number; values?: (Float32Array | undefined)[]; bytes?: Uint8Array }

const { env, memory, ctl, port } = workerData as { env: DistEnv; memory: WebAssembly.Memory | null; ctl: SharedArrayBuffer; port: MessagePort };
const flag = new Int32Array(ctl);
const post = (r: Reply, transfer: ArrayBuffer[] = []): void => { port.postMessage(r, transfer); Atomics.add(flag, 0, 1); Atomics.notify(flag, 0); };

const transport = zmqTransport();
const control = new Control(env, transport, `w${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
let rank = -1, links: Link[] = [];
const pending = new Map<number, { resolve: (x: [Meta, Part[]]) => void; reject: (e: Error) => void }>();
let nextId = 1;
control.onAbort = (e) => { for (const p of pending.values()) p.reject(e); pending.clear(); };

async function serverLoop(s: number, link: Link): Promise<void> {
  for (;;) {
    let parts: Part[];
    try { parts = await link.receive(); } catch { return; }
    try {
      const { meta, data } = decode(parts);
      const p = pending.get(meta.id as number);
      if (!p) continue;
      pending.delete(meta.id as number);
      if (meta.c === 'err') p.reject(new KVTimeoutError(`worker rank ${rank}: server ${s}: ${text(meta, 'msg', 65536)}`));
      else p.resolve([meta, data]);
    } catch (e) { control.abort(new ProtocolError(`worker rank ${rank}: bad answer from server ${s}: ${(e as Error).message}`)); }
  }
}

function ask(s: number, meta: Meta, what: string, data: Part[] = []): Promise<[Meta, Part[]]> {
  if (control.aborted) return Promise.reject(control.aborted);
  const id = nextId++;
  // A little past the server's own round timeout, so its message (naming missing workers) comes first.
  const ms = env.timeoutMs + Math.max(100, Math.min(env.timeoutMs / 2, 2000));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { pending.delete(id); reject(new KVTimeoutError(`worker rank ${rank}: no answer from server ${s} to ${what} within ${env.timeoutMs} ms`)); }, ms);
    pending.set(id, { resolve: (x) => { clearTimeout(t); resolve(x); }, reject: (e) => { clearTimeout(t); reject(e); } });
    links[s].send(encode({ ...meta, id }, ...data)).catch((e) => { pending.delete(id); clearTimeout(t); reject(e); });
  });
}

function payload(it: Item): Part {
  if (it.q) return it.q;
  if (it.data) return new Uint8Array(it.data.buffer, it.data.byteOffset, it.n * 4);
  return viewOf(memory!, Uint8Array, it.off!, it.m * 4);
}

async function handle(r: Request): Promise<Reply> {
  switch (r.op) {
    case 'init': case 'push': case 'pull': case 'pushpull': {
      const sends = r.op !== 'pull';
      const answers = await Promise.all(r.items.map((it) => ask(it.server, { c: r.op, k: it.k, p: it.part, n: it.n, ...(it.m !== it.n ? { o: it.o, m: it.m } : {}), ...(it.q ? { q: 1 } : {}) },
        `${r.op} of key ${it.name}${it.part ? ` (part ${it.part})` : ''}`, sends ? [payload(it)] : [])));
      if (r.op === 'init' || r.op === 'push') return { id: r.id };
      const values: (Float32Array | undefined)[] = [];
      answers.forEach(([, data], i) => {
        const it = r.items[i], d = data[0];
        if (!d || d.byteLength !== it.m * 4) throw new ProtocolError(`worker rank ${rank}: server ${it.server} answered ${d?.byteLength} bytes for ${it.m} values of key ${it.name}`);
        if (memory && (it.dst ?? it.off) !== undefined) viewOf(memory, Uint8Array, (it.dst ?? it.off)!, it.m * 4).set(d);
        else values.push(new Float32Array(new Uint8Array(d).buffer));
      });
      return { id: r.id, values };
    }
    case 'barrier': await control.request({ c: 'barrier' }, 'a barrier', 0); return { id: r.id };
    case 'cmd': {
      const targets = r.only !== undefined ? [r.only] : links.map((_, s) => s);
      const res = await Promise.all(targets.map((s) => ask(s, { c: 'cmd', name: r.name, ...r.args }, `command ${r.name}`, r.bytes ? [r.bytes] : [])));
      const d = res[0][1][0];
      return { id: r.id, bytes: d ? new Uint8Array(d) : undefined };
    }
    case 'kill': control.close(); links.forEach((l) => l.close()); return { id: r.id };
    case 'close': {
      await control.request({ c: 'barrier' }, 'the closing barrier', 0);
      if (r.stop) {
        await Promise.all(links.map((_, s) => ask(s, { c: 'stop' }, 'stop')));
        await control.request({ c: 'stop' }, 'stop', 5000).catch(() => undefined);
      } else await control.request({ c: 'bye' }, 'leaving', 5000).catch(() => undefined);
      // Sockets closed before the answer: the main thread may exit right after it, and a worker thread torn
      // down with open zeromq sockets aborts the process.
      control.close(); links.forEach((l) => l.close());
      setTimeout(() => port.close(), 10);
      return { id: r.id };
    }
  }
}

port.on('message', (r: Request) => {
  handle(r).then((rep) => post(rep, rep.values?.filter((v): v is Float32Array => !!v).map((v) => v.buffer as ArrayBuffer) ?? []),
    (e: Error) => post({ id: r.id, error: e.message }));
});

void (async () => {
  try {
    const w = await control.join();
    rank = w.rank;
    control.label = `worker rank ${rank}`;
    links = await Promise.all(w.servers.map((addr) => transport.dial(addr, `w${rank}`, env.maxMessage)));
    links.forEach((l, s) => void serverLoop(s, l));
    post({ id: 0, rank, numServers: w.numServers });
  } catch (e) { post({ id: 0, error: (e as Error).message }); }
})();
parentPort?.unref?.();
