// A server (kvstore_dist_server.h): owns its slices of the keys. The first value of a slice is
// its initialization. dist_sync: pushes of one round are summed into a merge buffer; when all W
// workers pushed, the updater runs (or stored := merged) and the pulls that waited for the round
// are answered. dist_async: every push updates at once. In dist_sync a big slice travels as chunks
// (MXWASM_KV_CHUNK, fields o/m) so that merging one overlaps the transfer of the next;
// the merge is the SIMD add kernel on the wasm memory. A push is acknowledged on arrival (its
// bytes are then out of the sender's memory); a pull from a worker that pushed this round waits
// for the round. A round that does not complete within the timeout fails its waiting requests
// naming the workers that did not push.
import { NDArray } from '../../ndarray/ndarray.js';
import { rt } from '../../runtime/runtime.js';
import { f32, u8 } from '../../runtime/view.js';
import { getUpdater, type Updater } from '../../optim/updater.js';
import { compressedBytes } from './compression.js';
import { fromSpec, type OptimizerSpec } from './optspec.js';
import { Control } from './control.js';
import { CHUNK_VALUES, decode, encode, field, floats, ProtocolError, text, type DistEnv, type Meta } from './protocol.js';
import type { Part, Transport } from './transport.js';
import { kernelCall } from '../../runtime/manifest/args.js';

interface Waiter { peer: string; id: number; o: number; m: number }
/** `got`: values each worker pushed this round; `seen`: workers merged per chunk offset; `done`: workers complete. */
interface Slot { key: number; part: number; stored: NDArray; merged?: NDArray; got: Map<number, number>; seen: Map<number, number>; done: number; waiting: Waiter[]; since: number }

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
  const valueBytes = (s: Slot, o: number, m: number): Part => {
    const v = u8(s.stored.byteOffset + o * 4, m * 4);
    return sync && rt().shared ? v : v.slice();
  };
  // Where a chunk goes: values [o, o + m) of the slot (o, m absent: the whole slot).
  const range = (msg: Meta, s: Slot): { o: number; m: number } => {
    const n = s.stored.size, o = msg.o === undefined ? 0 : field(msg, 'o', n), m = msg.m === undefined ? n - o : field(msg, 'm', n - o);
    return { o, m };
  };
  // A chunk's values land in the wasm memory (tmp) for the SIMD add; one chunk at most at a time.
  let tmp: NDArray | undefined;
  const staged = (v: Float32Array | Part): number => {
    const words = Math.ceil(v.byteLength / 4);
    if (!tmp || tmp.size < words) { tmp?.dispose(); tmp = NDArray.empty([Math.max(words, CHUNK_VALUES)]); }
    u8(tmp.byteOffset, v.byteLength).set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    return tmp.byteOffset;
  };
  const slot = (m: Meta): Slot => {
    const k = `${field(m, 'k')}:${field(m, 'p')}`, s = slots.get(k);
    if (!s) throw new ProtocolError(`key ${m.k} (part ${m.p}) has not been initialized on server ${me.rank}`);
    return s;
  };
  // A push's values, checked: float32 values, or 2-bit codes when compressed.
  const incoming = (m: Meta, data: Part[], s: Slot, len: number): { v?: Float32Array; q?: Part } => {
    const n = field(m, 'n', env.maxMessage / 4);
    if (n !== s.stored.size) throw new ProtocolError(`key ${s.key}: The value size cannot be changed (${n} values pushed, ${s.stored.size} stored)`);
    if (!m.q) return { v: floats(m, data, 0, len) };
    if (!compression) throw new ProtocolError(`key ${s.key}: compressed push but no gradient compression was set`);
    if (data[0]?.byteLength !== compressedBytes(len)) throw new ProtocolError(`key ${s.key}: compressed part of ${data[0]?.byteLength} bytes for ${len} values`);
    return { q: data[0] };
  };
  // Values [o, o + m) of merged := (add ? merged + x : x), x the pushed values: SIMD kernels on the wasm memory.
  const merge = (s: Slot, o: number, m: number, x: { v?: Float32Array; q?: Part }, add: boolean): void => {
    const at = s.merged!.byteOffset + o * 4, K = rt().K;
    if (x.q) kernelCall(K, 'f32_dequantize_2bit__simd128', { src: staged(x.q), dst: at, n: m, threshold: compression, add: add ? 1 : 0 });
    else if (!add) f32(at, m).set(x.v!);
    else kernelCall(K, 'f32_vadd__simd128_u8', { x: at, y: staged(x.v!), z: at, n: m });
  };
  const apply = (s: Slot, grad: NDArray): void => {
    if (updater) updater(s.key, grad, s.stored);
    else s.stored.data.set(grad.data as Float32Array);
  };
  const push = (peer: string, msg: Meta, data: Part[]): Slot => {
    const s = slot(msg), r = rankOf(peer), { o, m } = range(msg, s), x = incoming(msg, data, s, m), n = s.stored.size;
    s.merged ??= NDArray.empty([n]);
    if (!sync) {
      if (m !== n) throw new ProtocolError(`key ${s.key}: a push of ${m} of its ${n} values (chunks are for dist_sync only)`);
      merge(s, 0, n, x, false);
      apply(s, s.merged);
      return s;
    }
    const got = s.got.get(r) ?? 0;
    if (got + m > n) throw new ProtocolError(`key ${s.key}: worker rank ${r} pushed twice in one round`);
    if (!s.got.size) s.since = Date.now();
    // The first worker's chunk is written, the others' added (chunk offsets are the same on every
    // worker: one MXWASM_KV_CHUNK for the whole job).
    const seen = s.seen.get(o) ?? 0;
    merge(s, o, m, x, seen > 0);
    s.seen.set(o, seen + 1);
    s.got.set(r, got + m);
    if (got + m === n) s.done++;
    return s;
  };
  const finishRound = (s: Slot): void => {
    if (!sync || s.done < W) return;
    apply(s, s.merged!);
    s.got.clear(); s.seen.clear(); s.done = 0;
    const w = s.waiting; s.waiting = [];
    for (const x of w) send(x.peer, { c: 'val', id: x.id }, valueBytes(s, x.o, x.m));
  };
  const pull = (peer: string, id: number, s: Slot, msg: Meta): void => {
    const { o, m } = range(msg, s);
    if (sync && s.got.has(rankOf(peer))) s.waiting.push({ peer, id, o, m });
    else send(peer, { c: 'val', id }, valueBytes(s, o, m));
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
      if (s.got.size && s.done < W && now - s.since > env.timeoutMs) {
        const missing = [...Array(W).keys()].filter((r) => (s.got.get(r) ?? 0) < s.stored.size);
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
            slots.set(k, { key: field(meta, 'k'), part: field(meta, 'p'), stored, got: new Map(), seen: new Map(), done: 0, waiting: [], since: 0 });
            send(peer, { c: 'ok', id });
            break;
          }
          case 'push': { const s = push(peer, meta, data); send(peer, { c: 'ok', id }); finishRound(s); break; }
          case 'pull': pull(peer, id, slot(meta), meta); break;
          case 'pushpull': { const s = push(peer, meta, data); pull(peer, id, s, meta); finishRound(s); break; }
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
