/**
 * NumPy `.npy` (format 1.0/2.0/3.0) and `.npz` at the byte level: what MXNet 2.x `npx.save`,
 * `npx.savez` and Gluon 2.x `save_parameters`/`export` write (FORMATS.md §1.5). Records come out
 * as stored dtype code + shape + C-order bytes, like the NDArray-list parser's.
 */
import { FormatError, MxError } from '../errors.js';
import { ByteReader, ByteWriter, type BytesLike } from './reader.js';
import { STORED } from './convert.js';
import { readZip, writeZip } from './zip.js';

/** One array read from a .npy. */
export interface NpyArray { shape: number[]; typeCode: number; data: Uint8Array; fortranOrder: boolean }

const DESCR: Record<string, number> = { f4: 0, f8: 1, f2: 2, u1: 3, i4: 4, i1: 5, i8: 6, b1: 7, i2: 8, u2: 9, u4: 10, u8: 11 };
const CODE_DESCR: Record<number, string> = { 0: '<f4', 1: '<f8', 2: '<f2', 3: '|u1', 4: '<i4', 5: '|i1', 6: '<i8', 7: '|b1', 8: '<i2', 9: '<u2', 10: '<u4', 11: '<u8' };

/** True when a dtype code has a .npy descr (bfloat16 has none). @example npyHasDtype(0) */
export function npyHasDtype(code: number): boolean { return code in CODE_DESCR; }

/** True when the bytes start with the .npy magic. @example isNpy(bytes) */
export function isNpy(b: Uint8Array): boolean {
  return b.length >= 6 && b[0] === 0x93 && b[1] === 0x4e && b[2] === 0x55 && b[3] === 0x4d && b[4] === 0x50 && b[5] === 0x59;
}

/** Parses the Python dict literal of a .npy header: strings, True/False, integer tuples. */
function parseHeader(text: string, fail: (m: string) => never): Record<string, unknown> {
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const expect = (c: string) => { ws(); if (text[i] !== c) fail(`header: expected '${c}' at character ${i}`); i++; };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('header: unterminated string');
      const s = text.slice(i + 1, end); i = end + 1; return s;
    }
    if (c === '(') {
      i++; const out: number[] = [];
      for (;;) {
        ws();
        if (text[i] === ')') { i++; return out; }
        const m = /^-?\d+L?/.exec(text.slice(i, i + 24));
        if (!m || m[0].length >= 23) fail(`header: bad shape element at character ${i}`);
        out.push(Number(m![0].replace('L', ''))); i += m![0].length;
        ws(); if (text[i] === ',') i++;
        if (out.length > 64) fail('header: too many dimensions');
      }
    }
    for (const [w, v] of [['True', true], ['False', false], ['None', null]] as const) if (text.startsWith(w, i)) { i += w.length; return v; }
    if (c === '[' || c === '{') fail('header: structured dtypes are not supported');
    return fail(`header: unexpected character '${c ?? 'end'}' at ${i}`);
  };
  const out: Record<string, unknown> = {};
  expect('{');
  for (;;) {
    ws();
    if (text[i] === '}') break;
    const k = value();
    if (typeof k !== 'string') fail('header: keys must be strings');
    expect(':');
    out[k as string] = value();
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail(`header: expected ',' or '}' at character ${i}`);
  }
  return out;
}

/**
 * Parses one `.npy` file.
 * @example parseNpy(readFileSync('x.npy')) // { shape: [2, 3], typeCode: 0, data, fortranOrder: false }
 */
export function parseNpy(src: BytesLike, what = 'npy file'): NpyArray {
  const r = new ByteReader(src, what);
  r.need(10, 'header');
  if (!isNpy(r.bytes)) throw r.error('wrong magic (expected \\x93NUMPY)', 0);
  r.pos = 6;
  const major = r.u8('major version'); r.u8('minor version');
  if (major < 1 || major > 3) throw r.error(`unsupported .npy version ${major}`, 6);
  const hlen = major === 1 ? r.u16('header length') : r.u32('header length');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(r.take(hlen, 'header'));
  const h = parseHeader(text, (m) => { throw r.error(m, 10); });
  const descr = h.descr, shape = h.shape;
  if (typeof descr !== 'string' || !Array.isArray(shape) || typeof h.fortran_order !== 'boolean') throw r.error("header needs 'descr', 'fortran_order' and 'shape'", 10);
  const m = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const typeCode = m ? DESCR[m[2]] : undefined;
  if (typeCode === undefined) throw new MxError('unsupported', `${what}: dtype '${descr}' is not supported`, { descr });
  const info = STORED[typeCode];
  for (const d of shape as number[]) if (!(Number.isSafeInteger(d) && d >= 0)) throw r.error(`invalid dimension ${d}`, 10);
  let n = (shape as number[]).includes(0) ? 0 : 1;
  for (const d of shape as number[]) { n *= d; if (n * info.bytes > r.remaining)
    throw r.error(`truncated: shape (${shape.join(', ')}) ${info.name} needs more than the ${r.remaining} bytes that remain`); }
  let data = r.take(n * info.bytes, 'data');
  if (m![1] === '>' && info.bytes > 1) {
    data = data.slice();
    for (let i = 0; i < data.length; i += info.bytes) data.subarray(i, i + info.bytes).reverse();
  }
  const fortranOrder = h.fortran_order as boolean;
  if (fortranOrder && shape.length > 1) data = fortranToC(data, shape as number[], info.bytes);
  return { shape: shape as number[], typeCode, data, fortranOrder };
}

/** Reorders column-major element bytes into row-major. */
function fortranToC(src: Uint8Array, shape: number[], item: number): Uint8Array {
  const out = new Uint8Array(src.length), nd = shape.length, n = src.length / item;
  const fstride = new Array(nd);
  let s = 1;
  for (let k = 0; k < nd; k++) { fstride[k] = s; s *= shape[k]; }
  const idx = new Array(nd).fill(0);
  for (let c = 0; c < n; c++) {
    let f = 0;
    for (let k = 0; k < nd; k++) f += idx[k] * fstride[k];
    out.set(src.subarray(f * item, f * item + item), c * item);
    for (let k = nd - 1; k >= 0; k--) { if (++idx[k] < shape[k]) break; idx[k] = 0; }
  }
  return out;
}

/**
 * Writes one `.npy` (version 1.0, C order, little-endian).
 * @example writeNpy([2, 3], 0, bytes)
 */
export function writeNpy(shape: number[], typeCode: number, data: Uint8Array): Uint8Array {
  const descr = CODE_DESCR[typeCode];
  if (!descr) throw new FormatError(`writeNpy: dtype code ${typeCode} has no .npy form`);
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const w = new ByteWriter();
  w.bytes(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]));
  w.u16(header.length);
  w.bytes(new TextEncoder().encode(header));
  w.bytes(data);
  return w.finish();
}

/**
 * Parses a `.npz` archive: one array per `<name>.npy` member (names without the `.npy`).
 * @example parseNpz(bytes).map(([name, a]) => [name, a.shape])
 */
export function parseNpz(src: BytesLike, what = 'npz archive'): [string, NpyArray][] {
  const out: [string, NpyArray][] = [], entries = readZip(src, what);
  // Sparse arrays are stored scipy-style: <key>/{data,indices,indptr,format,shape}.npy (or those at the top level).
  const sparse = entries.find((e) => /(^|\/)(format|indptr)\.npy$/.test(e.name));
  if (sparse) {
    const key = sparse.name.includes('/') ? sparse.name.slice(0, sparse.name.lastIndexOf('/')) : '(top level)';
    throw new MxError('unsupported', `${what}: '${key}' is a sparse array (scipy-style ${sparse.name.slice(sparse.name.lastIndexOf('/') + 1)} member), which mxwasm does not support`,
      { member: sparse.name });
  }
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    if (!e.name.endsWith('.npy')) throw new MxError('unsupported', `${what}: member '${e.name}' is not a .npy array (sparse .npz members are not supported)`, { member: e.name });
    out.push([e.name.slice(0, -4), parseNpy(e.data, `${what} member ${e.name}`)]);
  }
  return out;
}

/**
 * Writes a `.npz` archive (stored members `<name>.npy`).
 * @example writeNpz([['w', { shape: [2], typeCode: 0, data }]])
 */
export function writeNpz(arrays: [string, { shape: number[]; typeCode: number; data: Uint8Array }][]): Uint8Array {
  return writeZip(arrays.map(([name, a]) => ({ name: `${name}.npy`, data: writeNpy(a.shape, a.typeCode, a.data) })));
}
