/**
 * `mx.nd.save` / `mx.nd.load`: NDArrays to and from MXNet's NDArray-list format, `.npy` and `.npz`.
 * Stored dtypes NDArray cannot hold are converted (noted in `loadWithInfo(...).notes`); each loaded
 * array remembers its stored dtype code, context and record version, so saving it again unchanged
 * gives the same bytes.
 */
import { ArgumentError, FormatError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { u8 } from '../runtime/view.js';
import { toBytes, isBytes, type BytesLike } from './reader.js';
import { parseNDArrayList, writeNDArrayList, type WriteRecord } from './ndarray-file.js';
import { isZip } from './zip.js';
import { isNpy, npyHasDtype, parseNpy, parseNpz, writeNpy, writeNpz } from './npy.js';
import { STORED, MEM_CODE, decode, encode, sameBits } from './convert.js';
import { readFileBytes, writeFileBytes, fetchBytes, type Source } from './fs.js';

/** What a loaded array was on disk. */
export interface StoredInfo {
  name?: string;
  /** 0-3 for NDArray-list records, 'npy' for .npy/.npz members. */
  version: 0 | 1 | 2 | 3 | 'npy';
  devType: number;
  devId: number;
  typeCode: number;
  /** Stored dtype name ('float64', ...). */
  storedDtype: string;
  /** True for a "none" array (no shape, no data). */
  none?: boolean;
  /** @internal Original bytes, kept when the in-memory values are not an exact image of them. */
  original?: Uint8Array;
}

const meta = new WeakMap<NDArray, StoredInfo>();

/** What a loaded array was on disk (undefined for arrays not loaded from a file). @example storedInfo(arr)?.storedDtype */
export function storedInfo(a: NDArray): StoredInfo | undefined { return meta.get(a); }

/** Everything `loadWithInfo` reports. */
export interface LoadResult {
  format: 'ndarray' | 'npy' | 'npz';
  arrays: NDArray[];
  /** One name per array for dict files (`arg:fc1_weight`, ...), else null. */
  names: string[] | null;
  info: StoredInfo[];
  /** One line per converted array, e.g. "array 2 'arg:w': float64 stored as float32 (rounded)". */
  notes: string[];
}

interface Rec { shape: number[] | null; typeCode: number; data: Uint8Array; info: Omit<StoredInfo, 'storedDtype' | 'typeCode'> }

function toNDArray(rec: Rec, label: string, notes: string[]): [NDArray, StoredInfo] {
  const info: StoredInfo = { ...rec.info, typeCode: rec.typeCode, storedDtype: STORED[rec.typeCode].name };
  if (rec.shape === null) { info.none = true; const a = NDArray.empty([0], 'float32'); return [a, info]; }
  const n = rec.shape.includes(0) ? 0 : rec.shape.reduce((x, y) => x * y, 1);
  const native = STORED[rec.typeCode].mem;
  if (MEM_CODE[native] === rec.typeCode) { // stored as NDArray holds it: one copy, file bytes to wasm memory
    const a = NDArray.empty(rec.shape, native);
    u8(a.byteOffset, a.nbytes).set(rec.data.subarray(0, a.nbytes));
    return [a, info];
  }
  const d = decode(rec.typeCode, rec.data, n);
  const a = NDArray.empty(rec.shape, d.dtype);
  u8(a.byteOffset, a.nbytes).set(new Uint8Array(d.values.buffer, d.values.byteOffset, d.values.byteLength));
  notes.push(`${label}: ${info.storedDtype} stored as ${d.dtype}${d.exact ? '' : ' (values rounded)'}`);
  if (!d.exact || rec.typeCode === 1) info.original = rec.data.slice();
  return [a, info];
}

/**
 * Parses MXNet NDArray-list bytes, `.npy` or `.npz` (sniffed from the first bytes) and reports the
 * stored dtypes, contexts, names and conversions.
 * @example const { arrays, names, notes } = mx.nd.loadWithInfo(bytes);
 */
export function loadWithInfo(src: BytesLike | string | URL): LoadResult {
  const bytes = isBytes(src) ? toBytes(src) : readFileBytes(src as string | URL, 'mx.nd.load');
  const what = typeof src === 'string' ? src : src instanceof URL ? src.href : undefined;
  let recs: Rec[], names: string[] | null, format: LoadResult['format'];
  if (isZip(bytes)) {
    format = 'npz';
    const members = parseNpz(bytes, what ?? 'npz archive');
    names = members.map(([n]) => n);
    recs = members.map(([, a]) => ({ shape: a.shape, typeCode: a.typeCode, data: a.data, info: { version: 'npy', devType: 1, devId: 0 } }));
  } else if (isNpy(bytes)) {
    format = 'npy'; names = null;
    const a = parseNpy(bytes, what ?? 'npy file');
    recs = [{ shape: a.shape, typeCode: a.typeCode, data: a.data, info: { version: 'npy', devType: 1, devId: 0 } }];
  } else {
    format = 'ndarray';
    const l = parseNDArrayList(bytes, what ?? 'NDArray file');
    names = l.names;
    recs = l.records.map((r) => ({ shape: r.shape, typeCode: r.typeCode, data: r.data, info: { version: r.version, devType: r.devType, devId: r.devId } }));
  }
  const notes: string[] = [], arrays: NDArray[] = [], info: StoredInfo[] = [];
  recs.forEach((r, i) => {
    const label = names ? `array ${i} '${names[i]}'` : `array ${i}`;
    const [a, inf] = toNDArray(r, label, notes);
    if (names) inf.name = names[i];
    meta.set(a, inf);
    arrays.push(a); info.push(inf);
  });
  return { format, arrays, names, info, notes };
}

/**
 * MXNet's `mx.nd.load`: a list of NDArrays for files saved from a list, a name → NDArray record
 * for dicts. Accepts a path (Node) or bytes; `.npy` gives a one-element list, `.npz` a record.
 * @example const params = mx.nd.load('lenet-0001.params'); params['arg:dense0_weight'].shape
 */
export function load(src: BytesLike | string | URL): NDArray[] | Record<string, NDArray> {
  const r = loadWithInfo(src);
  if (!r.names) return r.arrays;
  const out: Record<string, NDArray> = {};
  r.names.forEach((n, i) => { out[n] = r.arrays[i]; });
  return out;
}

/**
 * `load` from bytes, a URL, a Response or a path (async: works in browsers).
 * @example const params = await mx.nd.loadAsync('https://host/model-0000.params')
 */
export async function loadAsync(src: Source): Promise<NDArray[] | Record<string, NDArray>> {
  return load(await fetchBytes(src, 'mx.nd.load'));
}

/** What `save` accepts: one array, a list, or a name → array record (or Map). */
export type SaveData = NDArray | NDArray[] | Record<string, NDArray> | Map<string, NDArray>;

function entries(data: SaveData): [string[] | null, NDArray[]] {
  if (data instanceof NDArray) return [null, [data]];
  if (Array.isArray(data)) return [null, data];
  const e = data instanceof Map ? [...data.entries()] : Object.entries(data);
  return [e.map(([k]) => k), e.map(([, v]) => v)];
}

/**
 * The record to write for one array: its remembered dtype code/context, original bytes when unchanged (data may view wasm memory: write it before allocating). @example
 * recordOf(mx.nd.ones([2]), 'w').typeCode === 0
 */
export function recordOf(a: NDArray, label: string): WriteRecord & { typeCode: number } {
  if (!(a instanceof NDArray)) throw new ArgumentError(`mx.nd.save: ${label} is not an NDArray`);
  if (a.isDisposed) throw new ArgumentError(`mx.nd.save: ${label} is a disposed NDArray`);
  const m = meta.get(a);
  if (m?.none && a.size === 0) return { version: m.version === 3 ? 3 : 2, shape: null, typeCode: m.typeCode, data: new Uint8Array(0) };
  const version = m?.version === 3 ? 3 : 2;
  let typeCode = m?.typeCode ?? MEM_CODE[a.dtype];
  if (m && STORED[typeCode].mem !== a.dtype && !m.original) typeCode = MEM_CODE[a.dtype];
  const devType = m?.devType ?? 1, devId = m?.devId ?? 0;
  const shape = [...a.shape];
  const mem = u8(a.byteOffset, a.nbytes);
  let data: Uint8Array;
  if (typeCode === MEM_CODE[a.dtype]) data = mem; // a view on wasm memory: valid until the next allocation
  else if (m?.original && sameBits(decode(typeCode, m.original, a.size).values, a.data)) data = m.original;
  else data = encode(typeCode, a.data);
  return { version, shape, devType, devId, typeCode, data };
}

/**
 * MXNet's `mx.nd.save`: writes the NDArray-list format (V2 records, names for a record/Map) to a
 * path (Node), or returns the bytes when `path` is null. Loaded arrays keep their stored dtype and
 * context, so a loaded file saved again is byte-identical.
 * @example mx.nd.save('x.params', { 'arg:w': w }); const bytes = mx.nd.save(null, [a, b]);
 */
export function save(path: string | URL | null, data: SaveData): Uint8Array {
  const [names, arrays] = entries(data);
  const recs = arrays.map((a, i) => recordOf(a, names ? `'${names[i]}'` : `array ${i}`));
  const bytes = writeNDArrayList(recs, names);
  if (path !== null && path !== undefined) writeFileBytes(path, bytes, 'mx.nd.save');
  return bytes;
}

/**
 * Writes arrays as NumPy files: one array → `.npy`, a list or record → `.npz` (`arr_<i>` keys for lists),
 * as MXNet 2.x `npx.save`/`npx.savez` do. Returns the bytes; writes them when `path` is given.
 * @example const npz = mx.nd.saveNumpy(null, { w: mx.nd.ones([2, 2]) });
 */
export function saveNumpy(path: string | URL | null, data: SaveData): Uint8Array {
  // bfloat16 has no .npy descr: such arrays are written in their memory dtype
  const rec = (a: NDArray, label: string) => { const r = recordOf(a, label); return npyHasDtype(r.typeCode) ? r : { ...r, typeCode: MEM_CODE[a.dtype], data: u8(a.byteOffset, a.nbytes) }; };
  let bytes: Uint8Array;
  if (data instanceof NDArray) {
    const r = rec(data, 'array');
    if (r.shape === null) throw new FormatError('saveNumpy: a none array has no .npy form');
    bytes = writeNpy(r.shape, r.typeCode, r.data);
  } else {
    const [names, arrays] = entries(data);
    bytes = writeNpz(arrays.map((a, i) => {
      const r = rec(a, names ? names[i] : `arr_${i}`);
      if (r.shape === null) throw new FormatError(`saveNumpy: array ${i} is a none array, which has no .npy form`);
      return [names ? names[i] : `arr_${i}`, { shape: r.shape, typeCode: r.typeCode, data: r.data }];
    }));
  }
  if (path !== null && path !== undefined) writeFileBytes(path, bytes, 'mx.nd.saveNumpy');
  return bytes;
}

/**
 * The file functions `mx.nd` gains: save, load, loadWithInfo, loadAsync, saveNumpy, storedInfo.
 * @example Object.assign(mx.nd, ndFileFunctions)
 */
export const ndFileFunctions = { save, load, loadWithInfo, loadAsync, saveNumpy, storedInfo, loadFrombuffer: load };
