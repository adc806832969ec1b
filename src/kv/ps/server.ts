// A server (kvstore_dist_server.h): owns its slices of the keys. The first value of a slice is
// its initialization. dist_sync: pushes of one round are summed into a merge buffer; when all W
// workers pushed, the updater runs (or stored := merged) and the pulls that waited for the round
// are answered. dist_async: every push updates at once. A push is acknowledged on arrival (its
// bytes are then out of the sender's memory); a pull from a worker that pushed this round waits
// for the round. A round that does not complete within the timeout fails its waiting requests
// naming the workers that did not push.
import { NDArray } from '../../ndarray/ndarray.js';
import { rt } from '../../runtime/runtime.js';
import { getUpdater, type Updater } from '../../optim/updater.js';
import { dequantize2bit, compressedBytes } from './compression.js';
import { fromSpec, type OptimizerSpec } from './optspec.js';
import { Control } from './control.js';
import { decode, encode, field, floats, ProtocolError, text, type DistEnv, type Meta } from './protocol.js';
import type { Part, Transport } from './transport.js';

interface Waiter { peer: string; id: number }
interface Slot { key: number; part: number; stored: NDArray; merged?: NDArray; pushed: Set<number>; waiting: Waiter[]; since: number }

/** Runs one server until rank 0 stops it (0) or the job aborts (1). */
export async function runServer(env: DistEnv, transport: Transport, log: (s: string) => void): Promise<number> {
  const l = await transport.listen(env.host, 0, env.maxMessage);
  const port = /:(\d+)$/.exec(l.address)?.[1];
  const advertise = env.host === '127.0.0.1' ? l.address : `tcp://${env.advertise ?? '127.0.0.1'}:${port}`;
  const ctl = new Control(env, transport, `s${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  let done!: (c: number) => void;
  const finished = new Promise<number>((r) => { done = r; });
  ctl.onAbort = (e) => { log(`server: ${e.message}`); done(1); };
  const me = await ctl.join(advertise);
  const W = me.numWorkers;
  ctl.label = `server rank ${me.rank}`;
  const slots = new Map<string, Slot>();
  let sync = false, updater: Updater | undefined, compression = 0;
  const send = (peer: string, m: Meta, ...data: Part[]): void => { void l.send(peer, encode(m, ...data)).catch(() => undefined); };
  const rankOf = (peer: string): number => {
    const m = /^w(\d+)$/.exec(peer);
    const r = m ? Number(m[1]) : -1;
    if (!(r >= 0 && r < W)) throw new ProtocolError(`message from unknown peer ${JSON.stringify(peer)}`);
    return r;
  };
  // Answers go out zero-copy from the wasm memory only where nothing can rewrite it in flight.
  const valueBytes = (s: Slot): Part => {
    const v = new Uint8Array(rt().memory.buffer, s.stored.byteOffset, s.stored.size * 4);
    return sync && rt().shared ? v : v.slice();
  };
  const slot = (m: Meta): Slot => {
    const k = `${field(m, 'k')}:${field(m, 'p')}`, s = slots.get(k);
    if (!s) throw new ProtocolError(`key ${m.k} (part ${m.p}) has not been initialized on server ${me.rank}`);
    return s;
  };
  const incoming = (m: Meta, data: Part[], s: Slot): Float32Array => {
    const n = field(m, 'n', env.maxMessage / 4);
    if (n !== s.stored.size) throw new ProtocolError(`key ${s.key}: The value size cannot be changed (${n} values pushed, ${s.stored.size} stored)`);
    if (!m.q) return floats(m, data, 0, n);
    if (!compression) throw new ProtocolError(`key ${s.key}: compressed push but no gradient compression was set`);
    if (data[0]?.byteLength !== compressedBytes(n)) throw new ProtocolError(`key ${s.key}: compressed part of ${data[0]?.byteLength} bytes for ${n} values`);
    const out = new Float32Array(n);
    dequantize2bit(data[0], out, compression);
    return out;
  };
  const apply = (s: Slot, grad: NDArray): void => {
    if (updater) updater(s.key, grad, s.stored);
    else s.stored.data.set(grad.data as Float32Array);
  };
  const push = (peer: string, m: Meta, data: Part[]): Slot => {
    const s = slot(m), r = rankOf(peer), v = incoming(m, data, s);
    if (!sync) {
      s.merged ??= NDArray.empty([s.stored.size]);
      s.merged.data.set(v);
      apply(s, s.merged);
      return s;
    }
    if (s.pushed.has(r)) throw new ProtocolError(`key ${s.key}: worker rank ${r} pushed twice in one round`);
    s.merged ??= NDArray.empty([s.stored.size]);
    const merged = s.merged.data as Float32Array;
    if (s.pushed.size === 0) { merged.set(v); s.since = Date.now(); } else for (let i = 0; i < v.length; i++) merged[i] += v[i];
    s.pushed.add(r);
    return s;
  };
  const finishRound = (s: Slot): void => {
    if (!sync || s.pushed.size < W) return;
    apply(s, s.merged!);
    s.pushed.clear();
    const w = s.waiting; s.waiting = [];
    const bytes = valueBytes(s);
    for (const x of w) send(x.peer, { c: 'val', id: x.id }, bytes);
  };
  const pull = (peer: string, id: number, s: Slot): void => {
    if (sync && s.pushed.has(rankOf(peer))) s.waiting.push({ peer, id });
    else send(peer, { c: 'val', id }, valueBytes(s));
  };
  const command = (m: Meta, data: Part[]): Meta | [Meta, Part] => {
    const name = text(m, 'name', 64);
    if (name === 'sync') sync = !!m.on;
    else if (name === 'optimizer') updater = getUpdater(fromSpec(m.spec as OptimizerSpec));
    else if (name === 'compression') { const t = Number(m.threshold); if (!(t > 0)) throw new ProtocolError('2bit threshold must be > 0'); compression = t; }
    else if (name === 'saveStates') {
      if (!updater) throw new ProtocolError('Cannot save optimizer states: no optimizer was set on the servers');
      return [{ c: 'val' }, updater.getStates()];
    } else if (name === 'loadStates') {
      if (!updater) throw new ProtocolError('Cannot load optimizer states: set an optimizer first');
      if (!data[0]) throw new ProtocolError('loadStates: no state bytes');
      updater.setStates(new Uint8Array(data[0]));
    } else throw new ProtocolError(`unknown server command ${name}`);
    return { c: 'ok' };
  };
  // A round waiting past the timeout: tell the waiting workers who is missing.
  const watch = setInterval(() => {
    const now = Date.now();
    for (const s of slots.values()) {
      if (s.pushed.size && s.pushed.size < W && now - s.since > env.timeoutMs) {
        const missing = [...Array(W).keys()].filter((r) => !s.pushed.has(r));
        const msg = `server ${me.rank}: key ${s.key}: no push from worker rank ${missing.join(', ')} within ${env.timeoutMs} ms`;
        log(msg);
        for (const x of s.waiting) send(x.peer, { c: 'err', id: x.id, msg });
        s.waiting = []; s.since = now;
      }
    }
  }, Math.max(50, Math.min(env.timeoutMs / 4, 1000)));
  void (async () => {
    for (;;) {
      let peer: string, parts: Part[];
      try { [peer, parts] = await l.receive(); } catch { return; }
      let id = -1;
      try {
        const { meta, data } = decode(parts);
        id = typeof meta.id === 'number' ? meta.id : -1;
        switch (meta.c) {
          case 'init': {
            rankOf(peer);
            const k = `${field(meta, 'k')}:${field(meta, 'p')}`;
            if (slots.has(k)) throw new ProtocolError(`duplicate init of key ${meta.k}`);
            const n = field(meta, 'n', env.maxMessage / 4), v = floats(meta, data, 0, n);
            const stored = NDArray.empty([n]);
            stored.data.set(v);
            slots.set(k, { key: field(meta, 'k'), part: field(meta, 'p'), stored, pushed: new Set(), waiting: [], since: 0 });
            send(peer, { c: 'ok', id });
            break;
          }
          case 'push': { const s = push(peer, meta, data); send(peer, { c: 'ok', id }); finishRound(s); break; }
          case 'pull': pull(peer, id, slot(meta)); break;
          case 'pushpull': { const s = push(peer, meta, data); pull(peer, id, s); finishRound(s); break; }
          case 'cmd': { rankOf(peer); const r = command(meta, data); if (Array.isArray(r)) send(peer, { ...r[0], id }, r[1]); else send(peer, { ...r, id }); break; }
          case 'stop': send(peer, { c: 'ok', id }); setTimeout(() => done(0), 20); break;
          default: throw new ProtocolError(`unknown command '${meta.c}'`);
        }
      } catch (e) {
        log(`server ${me.rank}: rejected a message from ${JSON.stringify(peer)}: ${(e as Error).message}`);
        send(peer, { c: 'err', id, msg: (e as Error).message });
      }
    }
  })();
  const code = await finished;
  clearInterval(watch);
  try { await ctl.request({ c: 'bye' }, 'leaving', 2000); } catch { /* the scheduler may be gone already */ }
  ctl.close();
  l.close();
  return code;
}
