// File access for the file-backed iterators without a static Node import (the library is also
// bundled for browsers): Node's fs through format/fs.ts, bytes accepted anywhere; gzip via fflate.
import { ArgumentError, FormatError } from '../errors.js';
import { nodeFs } from '../format/fs.js';
import { gunzip } from '../format/zip.js';

/**
 * Bytes of a file given as a path (Node) or as bytes already; gzip is inflated (magic 1f 8b).
 * @example readBytes('train-images-idx3-ubyte.gz')
 */
export function readBytes(src: string | Uint8Array | ArrayBuffer, what: string): Uint8Array {
  let b: Uint8Array;
  if (typeof src === 'string') {
    const fs = nodeFs();
    if (!fs) throw new ArgumentError(`${what}: reading a path needs Node; pass the file's bytes instead`);
    try { b = fs.readFileSync(src); } catch (e) { throw new ArgumentError(`${what}: cannot read ${src}: ${(e as Error).message}`); }
  } else b = src instanceof Uint8Array ? src : new Uint8Array(src);
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    b = gunzip(b, what);
  }
  return b;
}

/** A parsed IDX file (the MNIST format): dims and the raw ubyte payload. */
export interface Idx { dims: number[]; data: Uint8Array }

/**
 * Parses an IDX file with bounds checks; `ndim` is the expected rank (3 images, 1 labels).
 * @example parseIdx(bytes, 3, 'train-images') // { dims: [60000, 28, 28], data }
 */
export function parseIdx(b: Uint8Array, ndim: number, what: string): Idx {
  if (b.length < 4) throw new FormatError(`${what}: file too short for an IDX header (${b.length} bytes)`);
  if (b[0] !== 0 || b[1] !== 0) throw new FormatError(`${what}: not an IDX file (magic ${[...b.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join('')}; expected 0000080${ndim})`);
  if (b[2] !== 0x08) throw new FormatError(`${what}: IDX element type 0x${b[2].toString(16)} is not unsigned byte (0x08)`);
  if (b[3] !== ndim) throw new FormatError(`${what}: IDX file has ${b[3]} dimensions, expected ${ndim} (${ndim === 3 ? 'an image file' : 'a label file'}; were image and label swapped?)`);
  const head = 4 + 4 * ndim;
  if (b.length < head) throw new FormatError(`${what}: truncated IDX header (${b.length} bytes, need ${head})`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dims = Array.from({ length: ndim }, (_, i) => dv.getUint32(4 + 4 * i, false));
  const n = dims.reduce((a, x) => a * x, 1);
  if (b.length < head + n) throw new FormatError(`${what}: truncated IDX data: header says ${dims.join('x')} = ${n} bytes, file has ${b.length - head}`);
  return { dims, data: b.subarray(head, head + n) };
}
