// The worker side of mx.kv.create('dist_sync' | 'dist_async' | 'dist_device_sync') (Node only).
// Calls are synchronous as MXNet's API reads: each posts to the network thread and sleeps until the
// answer (timeouts are the thread's, with a last-resort deadline here). Values of one key from
// several devices are summed here first: one push per key per process goes on the wire. In
// dist_sync a slice bigger than MXWASM_KV_CHUNK values goes as chunks, so that the server merges (and the
// thread copies) one while the next is on the wire. 2-bit compression runs as SIMD kernels on
// the wasm memory (the residuals live there too).
import type { Worker, MessagePort } from 'node:worker_threads';
import { nodeBuiltin } from '../../util/node-builtin.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ArgumentError, MxError } from '../../errors.js';
import { NDArray } from '../../ndarray/ndarray.js';
import { rt } from '../../runtime/runtime.js';
import { u8 } from '../../runtime/view.js';
import type { Optimizer } from '../../optim/optimizer.js';
import type { KVStore, KVUpdater, Key } from '../kvstore.js';
import { compressedBytes } from './compression.js';
import { toSpec } from './optspec.js';
import { KVTimeoutError, readEnv, type DistEnv } from './protocol.js';
import { shard } from './sharding.js';
import type { Item, Reply, Request } from './net-thread.js';
import { kernelCall } from '../../runtime/manifest/args.js';

const threads = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');
type Vals = NDArray | NDArray[];
const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
const describe = (op: string, items: Item[]): string => {
  const names = [...new Set(items.map((i) => i.name))];
  return `${op} of key${names.length > 1 ? 's' : ''} ${names.length > 8 ? names.slice(0, 8).join(', ') + ', ...' : names.join(', ')}`;
};

function threadEntry(): URL {
  const c = ['./kv-net.js', './net-thread-dev.mjs'].map((f) => new URL(f, import.meta.url)).find((u) => existsSync(fileURLToPath(u)));
  if (!c) throw new MxError('unsupported', 'mxwasm: the kvstore network thread entry was not found (run npm run build)');
  return c;
}

/**
 * A parameter-server store. Created by `mx.kv.create('dist_sync')` in a process started by
 * `mxwasm launch` (or with the DMLC_* variables set by hand).
 * @example const kv = mx.kv.create('dist_sync'); kv.init(0, w); kv.push(0, g); kv.pull(0, w); kv.close();
 */
export class DistKVStore implements KVStore {
  readonly rank: number;
  readonly numWorkers: number;
  readonly numServers: number;
  private readonly env: DistEnv;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private readonly keys = new Map<string, { k: number; n: number }>();
  private nextReq = 1;
  private closed = false;
  private readonly sums = new Map<number, NDArray>();
  private threshold = 0;
  private readonly residuals = new Map<number, NDArray>();
  private codes?: NDArray;
  private readonly sync: boolean;
  private hasOptimizer = false;

  constructor(readonly type: string, env: Record<string, string | undefined> = process.env) {
    this.env = readEnv({ ...env, DMLC_ROLE: 'worker' });
    this.sync = !type.includes('_async');
    const sab = new SharedArrayBuffer(4);
    this.flag = new Int32Array(sab);
    const { port1, port2 } = new (threads().MessageChannel)();
    this.port = port1;
    // At exit (normal or an uncaught error) the thread closes its sockets first: a worker thread
    // torn down with open zeromq sockets aborts the process.
    process.once('exit', () => { if (!this.closed) { this.port.postMessage({ id: -1, op: 'kill' }); try { this.wait(-1, 1000, 'exit'); } catch { /* exiting anyway */ } } });
    const memory = rt().shared ? rt().memory : null;
    this.worker = new (threads().Worker)(threadEntry(), { workerData: { env: this.env, memory, ctl: sab, port: port2 }, transferList: [port2] });
    this.worker.unref();
    const hello = this.wait(0, 3 * this.env.timeoutMs, 'joining the job');
    this.rank = hello.rank!;
    this.numWorkers = this.env.numWorkers;
    this.numServers = hello.numServers!;
    // MXNet: rank 0 tells the servers the mode, then every node meets at a barrier.
    if (this.rank === 0) this.call({ id: 0, op: 'cmd', name: 'sync', args: { on: !type.includes('_async') } });
    this.barrier();
    process.once('beforeExit', () => { if (!this.closed) this.close(); });
  }

  private wait(id: number, ms: number, what: string): Reply {
    const deadline = Date.now() + ms;
    for (;;) {
      const seen = Atomics.load(this.flag, 0);
      const m = threads().receiveMessageOnPort(this.port);
      if (m) {
        const r = m.message as Reply;
        if (r.id !== id) continue;
        if (r.error) throw new KVTimeoutError(`worker rank ${this.rank ?? '?'}: ${what}: ${r.error}`);
        return r;
      }
      if (Date.now() > deadline) throw new KVTimeoutError(`worker rank ${this.rank ?? '?'}: ${what}: the network thread did not answer within ${ms} ms`);
      Atomics.wait(this.flag, 0, seen, 500);
    }
  }
  private call(r: Request, what: string = r.op): Reply {
    if (this.closed) throw new ArgumentError('kvstore: closed');
    r.id = this.nextReq++;
    this.port.postMessage(r);
    return this.wait(r.id, 4 * this.env.timeoutMs + 10000, what);
  }

  private keyOf(key: Key, register = false, n = 0): { k: number; n: number } {
    const s = String(key);
    let e = this.keys.get(s);
    if (register) {
      if (e) throw new ArgumentError(`kvstore: duplicate init of key ${s}`);
      // Int keys keep their number; string keys take the next free int in init order (MXNet's str_key_dict).
      const k = typeof key === 'number' ? key : 1e9 + this.keys.size;
      if (!Number.isInteger(k) || k < 0) throw new ArgumentError(`kvstore: key ${s} must be a non-negative integer or a string`);
      e = { k, n }; this.keys.set(s, e);
    }
    if (!e) throw new ArgumentError(`kvstore: key ${s} has not been initialized`);
    return e;
  }
  private pairs(key: Key | Key[], v: Vals | Vals[]): [Key, NDArray[]][] {
    if (!Array.isArray(key)) return [[key, list(v as Vals)]];
    if (!Array.isArray(v) || v.length !== key.length) throw new ArgumentError(`kvstore: ${key.length} keys but ${Array.isArray(v) ? v.length : 1} values`);
    return key.map((k, i) => [k, list((v as Vals[])[i])]);
  }
  private items(key: Key, a: NDArray, op: string): Item[] {
    const { k, n } = this.keyOf(key);
    if (a.size !== n) throw new ArgumentError(`kvstore: ${op} of ${a.size} values to key ${key} holding ${n}`);
    if (a.dtype !== 'float32') throw new ArgumentError(`kvstore: ${op} of key ${key}: only float32 values are supported (got ${a.dtype})`);
    const chunk = this.sync && op !== 'init' ? this.env.chunkValues : Infinity;
    return shard(k, n, this.numServers, this.env.bigArrayBound).flatMap((s) => {
      const len = s.end - s.begin, out: Item[] = [];
      for (let o = 0; o === 0 || o < len; o += chunk) {
        const m = Math.min(chunk, len - o), it: Item = { k, name: String(key), server: s.server, part: s.part, n: len, o, m };
        if (rt().shared) it.off = a.byteOffset + (s.begin + o) * 4;
        else it.data = (a.data as Float32Array).slice(s.begin + o, s.begin + o + m);
        out.push(it);
      }
      return out;
    });
  }
  // The local reduce: several devices' values summed into a per-key buffer with the SIMD kernel.
  private reduce(k: Key, vs: NDArray[]): NDArray {
    if (vs.length === 1) return vs[0];
    const id = this.keyOf(k).k;
    let b = this.sums.get(id);
    if (!b || b.size !== vs[0].size) { b?.dispose(); b = NDArray.empty([...vs[0].shape]); this.sums.set(id, b); }
    const K = rt().K;
    kernelCall(K, 'f32_vadd__simd128_u8', { x: vs[0].byteOffset, y: vs[1].byteOffset, z: b.byteOffset, n: b.size });
    for (const v of vs.slice(2)) kernelCall(K, 'f32_vadd__simd128_u8', { x: b.byteOffset, y: v.byteOffset, z: b.byteOffset, n: b.size });
    return b;
  }
  // 2-bit codes per chunk with the SIMD kernel (residual and codes in the wasm memory), copied out for the thread.
  private compress(its: Item[], key: Key, a: NDArray): void {
    const { k, n } = this.keyOf(key), K = rt().K;
    let r = this.residuals.get(k);
    if (!r) { r = NDArray.empty([n]); r.data.fill(0); this.residuals.set(k, r); }
    let begin = 0;
    for (const it of its) {
      const bytes = compressedBytes(it.m);
      if (!this.codes || this.codes.size * 4 < bytes) { this.codes?.dispose(); this.codes = NDArray.empty([Math.max(bytes / 4, 1024)]); }
      kernelCall(K, 'f32_quantize_2bit__simd128', { grad: a.byteOffset + begin * 4, residual: r.byteOffset + begin * 4, out: this.codes.byteOffset, n: it.m, threshold: this.threshold });
      it.q = u8(this.codes.byteOffset, bytes).slice();
      delete it.off; delete it.data;
      begin += it.m;
    }
  }

  /** Collective: every worker registers the keys; rank 0's values become the stored values. */
  init(key: Key | Key[], value: Vals | Vals[]): void {
    const items: Item[] = [];
    for (const [k, vs] of this.pairs(key, value)) { this.keyOf(k, true, vs[0].size); if (this.rank === 0) items.push(...this.items(k, vs[0], 'init')); }
    if (items.length) this.call({ id: 0, op: 'init', items }, describe('init', items));
    this.barrier();
  }
  push(key: Key | Key[], value: Vals | Vals[]): void {
    const items: Item[] = [];
    for (const [k, vs] of this.pairs(key, value)) {
      const sum = this.reduce(k, vs), its = this.items(k, sum, 'push');
      if (this.threshold) this.compress(its, k, sum);
      items.push(...its);
    }
    this.call({ id: 0, op: 'push', items }, describe('push', items));
  }
  pull(key: Key | Key[], out: Vals | Vals[]): void { this.fetch('pull', this.pairs(key, out), []); }
  pushPull(key: Key | Key[], value: Vals | Vals[], out?: Vals | Vals[]): void {
    if (this.threshold) throw new MxError('unsupported', 'Compression not supported with PushPull');
    const ins = this.pairs(key, value), outs = out === undefined ? ins : this.pairs(key, out);
    this.fetch('pushpull', outs, ins.map(([k, vs]) => this.reduce(k, vs)));
  }
  // Pull (or push+pull) into the first out of each key straight from the thread, then copy to the others.
  private fetch(op: 'pull' | 'pushpull', outs: [Key, NDArray[]][], sums: NDArray[]): void {
    const items: Item[] = [], firsts: { its: Item[]; o: NDArray }[] = [];
    outs.forEach(([k, os], i) => {
      const o = os[0], its = this.items(k, o, op);
      if (op === 'pushpull') {
        const src = this.items(k, sums[i], op);
        its.forEach((it, j) => { it.dst = it.off; it.off = src[j].off; it.data = src[j].data; });
      }
      firsts.push({ its, o }); items.push(...its);
    });
    const rep = this.call({ id: 0, op, items }, describe(op, items));
    let v = 0;
    if (!rt().shared) for (const { its, o } of firsts) { let b = 0; for (const it of its) { (o.data as Float32Array).set(rep.values![v++]!, b); b += it.m; } }
    // Shared memory: the thread wrote into the first out of each key already.
    for (const [, os] of outs) for (const o of os.slice(1)) if (o !== os[0]) os[0].copyTo(o);
  }
  /** Waits for every worker (MXNet's kv._barrier()). */
  barrier(): void { this.call({ id: 0, op: 'barrier' }, 'barrier'); }
  /** The optimizer runs on the servers (rank 0 sends it; every worker then meets at a barrier). */
  setOptimizer(opt: Optimizer): void {
    if (this.rank === 0) this.call({ id: 0, op: 'cmd', name: 'optimizer', args: { spec: toSpec(opt) } });
    this.hasOptimizer = true;
    this.barrier();
  }
  setUpdater(_f: KVUpdater): void { throw new MxError('unsupported', 'kvstore: a JavaScript updater cannot run on the servers; use setOptimizer'); }
  /** MXNet's 2-bit compression of pushes ({ type: '2bit', threshold: 0.5 }). */
  setGradientCompression(p: { type: string; threshold?: number }): void {
    if (p.type !== '2bit') throw new ArgumentError(`Unknown type for gradient compression ${p.type}`);
    const t = p.threshold ?? 0.5;
    if (!(t > 0)) throw new ArgumentError('threshold must be greater than 0');
    if (this.rank === 0) this.call({ id: 0, op: 'cmd', name: 'compression', args: { threshold: t } });
    this.threshold = t;
    this.barrier();
  }
  /** The servers' optimizer states (server 0's keys' states; with several servers, each holds its own: see loadOptimizerStates). */
  saveOptimizerStates(): Uint8Array {
    if (!this.hasOptimizer) throw new ArgumentError('Cannot save states for distributed training (no optimizer set)');
    const parts: Uint8Array[] = [];
    for (let s = 0; s < this.numServers; s++) parts.push(this.callServer(s, 'saveStates').bytes!);
    // [count][len, bytes]... one blob per server.
    const total = 4 + parts.reduce((a, p) => a + 4 + p.length, 0), out = new Uint8Array(total), dv = new DataView(out.buffer);
    dv.setUint32(0, parts.length, true);
    let o = 4;
    for (const p of parts) { dv.setUint32(o, p.length, true); out.set(p, o + 4); o += 4 + p.length; }
    return out;
  }
  loadOptimizerStates(bytes: Uint8Array): void {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 4 || dv.getUint32(0, true) !== this.numServers)
      throw new ArgumentError(`loadOptimizerStates: the blob holds states of ${bytes.length >= 4 ? dv.getUint32(0, true) : 0} servers, this job has ${this.numServers}`);
    let o = 4;
    for (let s = 0; s < this.numServers; s++) {
      if (o + 4 > bytes.length) throw new ArgumentError('loadOptimizerStates: truncated blob');
      const len = dv.getUint32(o, true);
      if (o + 4 + len > bytes.length) throw new ArgumentError('loadOptimizerStates: truncated blob');
      this.callServer(s, 'loadStates', bytes.slice(o + 4, o + 4 + len));
      o += 4 + len;
    }
  }
  private callServer(s: number, name: string, bytes?: Uint8Array): Reply {
    return this.call({ id: 0, op: 'cmd', name, args: {}, bytes, only: s });
  }
  /** Leaves the job: a barrier, then rank 0 stops the servers and the scheduler. Called at exit if not before. */
  close(): void {
    if (this.closed) return;
    this.call({ id: 0, op: 'close', stop: this.rank === 0 });
    this.closed = true; // the thread closes its sockets and ends by itself (terminating it under zeromq aborts)
  }
}
