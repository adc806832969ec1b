// mx.kv: the KVStore seam. `KVStore` is the transport-independent interface (what Module and
// Trainer-style code talk to); `LocalKVStore` is the in-process implementation ('local'/'device'):
// a list push is summed with the SIMD add kernel, then the updater runs on the stored copy.
import { ArgumentError, MxError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { rt } from '../runtime/runtime.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Updater } from '../optim/updater.js';
import * as updater from '../optim/updater.js'; // lazy
import { kernelCall } from '../runtime/manifest/args.js';

export type Key = number | string;
type Vals = NDArray | NDArray[];
/** `updater(key, summedGrad, storedWeight)`. */
export type KVUpdater = (key: Key, grad: NDArray, weight: NDArray) => void;

/** Transport-independent key-value store for parameter synchronisation. */
export interface KVStore {
  readonly type: string;
  readonly rank: number;
  readonly numWorkers: number;
  /** Stores initial values (one per key; copied). */
  init(key: Key | Key[], value: Vals | Vals[]): void;
  /**
   * Optional: makes `array` itself the stored value (no copy), so pushes update it in place and a
   * pull into it is free. Single-process stores offer it; Module uses it when present.
   */
  initInPlace?(key: Key, array: NDArray): void;
  /** Pushes values (a list for one key is summed); runs the updater when set, else replaces. */
  push(key: Key | Key[], value: Vals | Vals[], priority?: number): void;
  /** Copies the stored value into every `out`. */
  pull(key: Key | Key[], out: Vals | Vals[], priority?: number): void;
  /** push then pull (into `value` itself when no `out`, as MXNet). */
  pushPull(key: Key | Key[], value: Vals | Vals[], out?: Vals | Vals[], priority?: number): void;
  /** Runs this optimizer on pushed gradients (update on the store). */
  setOptimizer(opt: Optimizer): void;
  /** A custom updater. */
  setUpdater(f: KVUpdater): void;
  /** Optimizer states (when set via setOptimizer). */
  saveOptimizerStates(): Uint8Array;
  loadOptimizerStates(bytes: Uint8Array): void;
  /** Optional: frees what the store allocated (copies, sum buffers, optimizer states); in-place arrays stay. */
  dispose?(): void;
}

const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
function pairs(key: Key | Key[], v: Vals | Vals[]): [Key, NDArray[]][] {
  if (Array.isArray(key)) {
    const vs = v as Vals[];
    if (!Array.isArray(v) || vs.length !== key.length) throw new ArgumentError(`kvstore: ${key.length} keys but ${Array.isArray(v) ? v.length : 1} values`);
    return key.map((k, i) => [k, list(vs[i])]);
  }
  return [[key, list(v as Vals)]];
}

/**
 * The in-process store. @example
 * const kv = mx.kv.create('local');
 * kv.init(3, mx.nd.ones([2, 3])); kv.push(3, [mx.nd.ones([2, 3]), mx.nd.ones([2, 3])]);
 * const out = mx.nd.zeros([2, 3]); kv.pull(3, out); // 2s
 */
export class LocalKVStore implements KVStore {
  readonly rank = 0;
  readonly numWorkers = 1;
  private readonly store = new Map<string, NDArray>();
  private updater?: KVUpdater;
  private optUpdater?: Updater;
  constructor(readonly type = 'local') {}

  init(key: Key | Key[], value: Vals | Vals[]): void {
    for (const [k, vs] of pairs(key, value)) {
      if (this.store.has(String(k))) throw new ArgumentError(`kvstore: duplicate init of key ${k}`);
      this.store.set(String(k), vs[0].copy());
    }
  }
  /** The store keeps `array` itself (no copy): pushes update it in place. @example kv.initInPlace(0, exe.argDict.fc1_weight) */
  initInPlace(key: Key, array: NDArray): void {
    if (this.store.has(String(key))) throw new ArgumentError(`kvstore: duplicate init of key ${key}`);
    this.store.set(String(key), array);
    this.inPlace.add(String(key));
  }
  private readonly inPlace = new Set<string>();
  /** Frees the stored copies, sum buffers and optimizer states (arrays given to initInPlace belong to their owner). @example kv.dispose() */
  dispose(): void {
    for (const [k, a] of this.store) if (!this.inPlace.has(k)) a.dispose();
    for (const a of this.sums.values()) a.dispose();
    this.store.clear(); this.inPlace.clear(); this.sums.clear();
    this.optUpdater?.dispose();
  }
  private readonly sums = new Map<string, NDArray>();
  private sumBuffer(k: Key, like: NDArray): NDArray {
    let b = this.sums.get(String(k));
    if (!b || b.size !== like.size) { b?.dispose(); b = NDArray.empty([...like.shape], like.dtype); this.sums.set(String(k), b); }
    return b;
  }
  private stored(k: Key): NDArray {
    const s = this.store.get(String(k));
    if (!s) throw new ArgumentError(`kvstore: key ${k} has not been initialized`);
    return s;
  }
  push(key: Key | Key[], value: Vals | Vals[]): void {
    const K = rt().K;
    for (const [k, vs] of pairs(key, value)) {
      const s = this.stored(k);
      for (const v of vs) if (v.size !== s.size) throw new ArgumentError(`kvstore: push of ${v.size} values to key ${k} holding ${s.size}`);
      let sum = vs[0];
      if (vs.length > 1) {
        // The sum goes to a buffer kept per key (pushes of several devices repeat every step: no allocation).
        sum = this.sumBuffer(k, vs[0]);
        kernelCall(K, 'f32_vadd__simd128_u8', { x: vs[0].byteOffset, y: vs[1].byteOffset, z: sum.byteOffset, n: sum.size });
        for (const v of vs.slice(2)) kernelCall(K, 'f32_vadd__simd128_u8', { x: sum.byteOffset, y: v.byteOffset, z: sum.byteOffset, n: sum.size });
      }
      if (this.updater) this.updater(k, sum, s);
      else s.data.set(sum.data as ArrayLike<number>);
    }
  }
  pull(key: Key | Key[], out: Vals | Vals[]): void {
    for (const [k, outs] of pairs(key, out)) { const s = this.stored(k); for (const o of outs) if (o !== s) s.copyTo(o); }
  }
  pushPull(key: Key | Key[], value: Vals | Vals[], out?: Vals | Vals[]): void {
    this.push(key, value);
    this.pull(key, out ?? value);
  }
  setOptimizer(opt: Optimizer): void { this.optUpdater = updater.getUpdater(opt); this.updater = this.optUpdater; }
  setUpdater(f: KVUpdater): void { this.updater = f; this.optUpdater = undefined; }
  saveOptimizerStates(): Uint8Array {
    if (!this.optUpdater) throw new ArgumentError('Cannot save states for distributed training (no optimizer set)');
    return this.optUpdater.getStates();
  }
  loadOptimizerStates(bytes: Uint8Array): void {
    if (!this.optUpdater) throw new ArgumentError('Cannot load states: set an optimizer first');
    this.optUpdater.setStates(bytes);
  }
}

let distFactory: ((name: string) => KVStore) | undefined;
/** The Node entry installs the parameter-server store here (the browser/edge bundles have none). */
export function setDistFactory(f: (name: string) => KVStore): void { distFactory = f; }

/**
 * Creates a store: 'local' and 'device' are in-process; 'dist_sync', 'dist_async',
 * 'dist_device_sync' (MXNet's substring rules: 'dist' alone is dist_sync) are the parameter-server
 * store of the Node entry, in processes started by `mxwasm launch`.
 * @example const kv = mx.kv.create('local'); kv.rank // 0
 */
export function create(name: string | KVStore = 'local'): KVStore {
  if (typeof name !== 'string') return name;
  name = name.toLowerCase();
  if (name.includes('dist')) {
    if (!distFactory) throw new MxError('unsupported', `kvstore '${name}' needs the Node entry (sockets); browsers and edge runtimes have only 'local' and 'device'`);
    return distFactory(name);
  }
  if (name.includes('nccl') || name.includes('horovod')) throw new MxError('unsupported', `kvstore '${name}' is not available; use 'local', 'device' or 'dist_sync'`);
  if (name.includes('local') || name.includes('device')) return new LocalKVStore(name);
  throw new ArgumentError(`Unknown KVStore type ${name}`);
}
