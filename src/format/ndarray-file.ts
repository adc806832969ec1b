/**
 * MXNet's NDArray-list file (`mx.nd.save`, `.params`) at the byte level (FORMATS.md §1): header
 * 0x112, records of every version (V0 legacy uint32 shapes, V1, V2, V3), names. Parsing never
 * trusts a length: each is checked against the bytes that remain before anything is allocated.
 * Record data stay views into the input; `ndarray-io.ts` turns them into NDArrays.
 */
import { MxError } from '../errors.js';
import { ByteReader, ByteWriter, type BytesLike } from './reader.js';
import { STORED } from './convert.js';

export const LIST_MAGIC = 0x112;
export const V1_MAGIC = 0xf993fac8;
export const V2_MAGIC = 0xf993fac9;
export const V3_MAGIC = 0xf993faca;
/** Largest dimension count accepted (MXNet has no hard limit; real files use <= 6). */
export const MAX_NDIM = 32;

/** One array record as stored. */
export interface RawRecord {
  /** Record version: 0 (legacy uint32 shape), 1, 2 or 3 (np-shape semantics). */
  version: 0 | 1 | 2 | 3;
  /** Shape; null for a "none" (empty, shapeless) array, which has no context, dtype or data. */
  shape: number[] | null;
  /** Context as saved (1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared) and device id. */
  devType: number;
  devId: number;
  /** mshadow dtype code (0 float32, 1 float64, 2 float16, 3 uint8, 4 int32, 5 int8, 6 int64, ...). */
  typeCode: number;
  /** Element bytes (a view into the input; empty for none arrays). */
  data: Uint8Array;
  /** Byte offset of the record in the file. */
  offset: number;
}

/** A parsed list: records and, for dict files, one name per record. */
export interface RawList { records: RawRecord[]; names: string[] | null }

function readShape(r: ByteReader, ndim: number, dimBytes: 4 | 8, rec: string, version: number): number[] | null {
  if (!(ndim >= 0 && ndim <= MAX_NDIM)) throw r.error(`${rec}: dimension count ${ndim} is invalid (0..${MAX_NDIM})`, r.pos - 4);
  r.need(ndim * dimBytes, `${rec} shape (${ndim} dims)`);
  const shape: number[] = [];
  let unknown = false;
  for (let i = 0; i < ndim; i++) {
    const at = r.pos;
    const d = dimBytes === 4 ? r.u32(`${rec} dim ${i}`) : r.i64(`${rec} dim ${i}`, -1, Number.MAX_SAFE_INTEGER);
    if (d === -1) { if (version === 3) { unknown = true; continue; } throw r.error(`${rec}: dim ${i} is -1 (unknown) in a V${version} record`, at); }
    shape.push(d);
  }
  return unknown ? null : shape;
}

/** Reads the context, dtype and data that follow a shape; checks the data size against what remains. */
function readBody(r: ByteReader, shape: number[], rec: string): Pick<RawRecord, 'devType' | 'devId' | 'typeCode' | 'data'> {
  const devType = r.i32(`${rec} dev_type`), devId = r.i32(`${rec} dev_id`);
  const at = r.pos;
  const typeCode = r.i32(`${rec} type_flag`);
  const info = STORED[typeCode];
  if (!info) throw r.error(`${rec}: unknown dtype code ${typeCode}`, at);
  let n = shape.includes(0) ? 0 : 1;
  for (const d of shape) {
    n *= d;
    if (n * info.bytes > r.remaining) {
      throw r.error(`truncated: ${rec} of shape (${shape.join(', ')}) ${info.name} needs more than the ${r.remaining} bytes that remain`);
    }
  }
  return { devType, devId, typeCode, data: r.take(n * info.bytes, `${rec} data`) };
}

/**
 * Reads one array record (any version) at the reader's position.
 * @example parseRecord(new ByteReader(bytes, 'x'), 'array 0')
 */
export function parseRecord(r: ByteReader, rec: string): RawRecord {
  const offset = r.pos;
  const magic = r.u32(`${rec} magic`);
  const none = (version: RawRecord['version']): RawRecord => ({ version, shape: null, devType: 1, devId: 0, typeCode: 0, data: new Uint8Array(0), offset });
  if (magic === V2_MAGIC || magic === V3_MAGIC) {
    const version = magic === V2_MAGIC ? 2 : 3;
    const at = r.pos;
    const stype = r.i32(`${rec} storage type`);
    if (stype === 1 || stype === 2) {
      throw new MxError('unsupported', `${r.what}: ${rec} is a sparse array (${stype === 1 ? 'row_sparse' : 'csr'}), which mxwasm does not support (at byte ${r.base + at})`, { offset: r.base + at });
    }
    if (stype !== 0) throw r.error(`${rec}: invalid storage type ${stype}`, at);
    const ndimAt = r.pos;
    const ndim = r.i32(`${rec} ndim`);
    if (version === 3 && ndim === -1) return none(3);
    if (version === 2 && ndim === 0) return none(2);
    if (ndim < 0) { r.pos = ndimAt + 4; throw r.error(`${rec}: dimension count ${ndim} is invalid`, ndimAt); }
    const shape = readShape(r, ndim, 8, rec, version);
    if (shape === null) return none(3);
    return { version, shape, ...readBody(r, shape, rec), offset };
  }
  if (magic === V1_MAGIC) {
    const ndim = r.i32(`${rec} ndim`);
    if (ndim === 0) return none(1);
    const shape = readShape(r, ndim, 8, rec, 1);
    return { version: 1, shape: shape!, ...readBody(r, shape!, rec), offset };
  }
  // V0: the four bytes are the dimension count.
  if (magic === 0) return none(0);
  const shape = readShape(r, magic, 4, rec, 0);
  return { version: 0, shape: shape!, ...readBody(r, shape!, rec), offset };
}

/**
 * Parses a whole NDArray-list file (header 0x112).
 * @example const { records, names } = parseNDArrayList(readFileSync('lenet-0001.params'));
 */
export function parseNDArrayList(src: BytesLike, what = 'NDArray file'): RawList {
  const r = new ByteReader(src, what);
  const header = r.u64big('header');
  if (header !== BigInt(LIST_MAGIC)) {
    throw r.error(`wrong magic 0x${header.toString(16)} (expected 0x112: an MXNet NDArray list; .npy/.npz are also read by mx.nd.load)`, 0);
  }
  r.u64big('reserved');
  const n = r.count('array count', 4);
  const records: RawRecord[] = [];
  for (let i = 0; i < n; i++) records.push(parseRecord(r, `array ${i}`));
  const k = r.count('name count', 8);
  if (k !== 0 && k !== n) throw r.error(`name count ${k} must be 0 or the array count ${n}`, r.pos - 8);
  let names: string[] | null = null;
  if (k) {
    names = [];
    for (let i = 0; i < k; i++) names.push(r.utf8(r.count(`name ${i} length`, 1), `name ${i}`));
  }
  return { records, names };
}

/** A record to write (V2 unless it needs V3: 0-d arrays, or it was read as V3). */
export interface WriteRecord { version?: 2 | 3; shape: number[] | null; devType?: number; devId?: number; typeCode: number; data: Uint8Array }

/** Appends one V2/V3 record exactly as MXNet's NDArray::Save writes it. @example writeRecord(w, rec) */
export function writeRecord(w: ByteWriter, rec: WriteRecord): void {
  const v3 = rec.version === 3 || (rec.shape !== null && rec.shape.length === 0);
  w.u32(v3 ? V3_MAGIC : V2_MAGIC);
  w.i32(0);
  if (rec.shape === null) { w.i32(v3 ? -1 : 0); return; }
  w.i32(rec.shape.length);
  for (const d of rec.shape) w.i64(d);
  w.i32(rec.devType ?? 1);
  w.i32(rec.devId ?? 0);
  w.i32(rec.typeCode);
  w.bytes(rec.data);
}

/**
 * Serialises records (and names, or null for a list) as MXNet's `mx.nd.save` does.
 * @example writeNDArrayList([{ shape: [2], typeCode: 0, data: new Uint8Array(8) }], null)
 */
export function writeNDArrayList(records: WriteRecord[], names: string[] | null): Uint8Array {
  const enc = new TextEncoder();
  let size = 32;
  for (const r of records) size += 36 + 8 * (r.shape?.length ?? 0) + r.data.length;
  for (const n of names ?? []) size += 8 + enc.encode(n).length;
  const w = new ByteWriter(size);
  w.u64(LIST_MAGIC);
  w.u64(0);
  w.u64(records.length);
  for (const rec of records) writeRecord(w, rec);
  w.u64(names ? names.length : 0);
  if (names) for (const n of names) w.str64(n);
  return w.finish();
}
