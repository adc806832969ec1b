/**
 * Zip (`.npz`) and gzip (`.gz` IDX files) through `fflate` (synchronous, runs in Node, browsers
 * and edge runtimes). fflate trusts the sizes an archive declares and checks no CRC, so this file
 * bounds every declared size by the bytes present before anything is allocated, checks each
 * member's length and CRC-32, and turns every failure into a FormatError.
 */
// Lazy in the bundles (scripts/lazy.mjs): fflate builds its Huffman tables and (Node) loads worker_threads at import.
import * as fflate from 'fflate'; // lazy
import { FormatError, MxError } from '../errors.js';
import { toBytes, type BytesLike } from './reader.js';

/** One archive member, uncompressed. */
export interface ZipMember { name: string; data: Uint8Array }

const EOCD = 0x06054b50, EOCD64 = 0x06064b50, LOC64 = 0x07064b50;
// A DEFLATE stream expands at most ~1032:1: a declared size beyond that cannot come from the data.
const maxInflated = (n: number) => n * 1032 + 1024;

/** True when the bytes start like a zip archive. @example isZip(bytes) */
export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);
}

let crcTable: Uint32Array | undefined;
/** CRC-32 (zip's and gzip's). @example crc32(new TextEncoder().encode('123456789')) === 0xcbf43926 */
export function crc32(b: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; crcTable[n] = c >>> 0; }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const wrap = (what: string, e: unknown): MxError =>
  e instanceof MxError ? e : new FormatError(`${what}: ${(e as Error).message} (truncated, corrupt or not a zip/gzip file)`);

/** The CRC-32 of each member as the central directory records it, in directory order. */
function directoryCrcs(b: Uint8Array, count: number): number[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  let e = b.length - 22;
  while (e > 0 && dv.getUint32(e, true) !== EOCD) e--;
  let o = dv.getUint32(e + 16, true);
  if (e >= 20 && dv.getUint32(e - 20, true) === LOC64) {
    const z = Number(dv.getBigUint64(e - 12, true));
    if (z + 56 <= b.length && dv.getUint32(z, true) === EOCD64) o = Number(dv.getBigUint64(z + 48, true));
  }
  const crcs: number[] = [];
  for (let i = 0; i < count; i++) {
    crcs.push(dv.getUint32(o + 16, true));
    o += 46 + dv.getUint16(o + 28, true) + dv.getUint16(o + 30, true) + dv.getUint16(o + 32, true);
  }
  return crcs;
}

/**
 * The members of a zip archive (stored or deflated; zip64 as numpy writes it), in directory order,
 * each length- and CRC-checked.
 * @example readZip(bytes).map((m) => m.name)
 */
export function readZip(src: BytesLike, what = 'npz archive'): ZipMember[] {
  const b = toBytes(src);
  const listed: { name: string; size: number }[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = fflate.unzipSync(b, {
      filter: (f) => {
        // Checked before fflate allocates or inflates anything for this member.
        if (listed.length + 1 > b.length / 46) throw new FormatError(`${what}: more directory entries than ${b.length} bytes can hold`);
        if (f.compression !== 0 && f.compression !== 8) {
          throw new FormatError(`${what}: member ${f.name} uses compression method ${f.compression} (only stored and deflate are supported)`, { member: f.name });
        }
        if (f.size > b.length || f.originalSize > maxInflated(f.size) || (f.compression === 0 && f.size !== f.originalSize)) {
          throw new FormatError(`${what}: member ${f.name}: declared sizes (${f.size} compressed, ${f.originalSize} uncompressed) cannot come from a ${b.length}-byte archive`, { member: f.name });
        }
        if (listed.some((m) => m.name === f.name)) throw new FormatError(`${what}: member ${f.name} appears twice`, { member: f.name });
        listed.push({ name: f.name, size: f.originalSize });
        return true;
      },
    });
  } catch (e) { throw wrap(what, e); }
  let crcs: number[];
  try { crcs = directoryCrcs(b, listed.length); } catch (e) { throw wrap(what, e); }
  return listed.map(({ name, size }, i) => {
    const data = files[name];
    if (data.length !== size) throw new FormatError(`${what}: member ${name} ends after ${data.length} of its ${size} bytes`, { member: name });
    if (crc32(data) !== crcs[i]) throw new FormatError(`${what}: member ${name} fails its CRC check`, { member: name });
    return { name, data };
  });
}

/**
 * Writes a zip archive of stored members, as `np.savez` does (numpy and MXNet read it). Timestamps are
 * fixed so the same arrays give the same bytes. (Stored only: fflate's compressor would add ~4 KB brotli
 * to every bundle for a feature MXNet's own `save` does not have.)
 * @example writeZip([{ name: 'a.npy', data: npyBytes }])
 */
export function writeZip(members: { name: string; data: BytesLike }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  try {
    const zip = new fflate.Zip((err, chunk) => { if (err) throw err; parts.push(chunk); });
    for (const m of members) {
      const f = new fflate.ZipPassThrough(m.name);
      f.mtime = new Date(1980, 0, 1);
      zip.add(f);
      f.push(toBytes(m.data), true);
    }
    zip.end();
  } catch (e) { throw wrap('writeZip', e); }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/**
 * A gzip file's contents (one member, as `.gz` IDX files are), length- and CRC-checked.
 * @example gunzip(readFileSync('train-labels-idx1-ubyte.gz'), 'train labels')
 */
export function gunzip(b: Uint8Array, what: string): Uint8Array {
  if (b.length < 18 || b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 8) throw new FormatError(`${what}: not a gzip file (${b.length} bytes)`);
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const size = dv.getUint32(b.length - 4, true), crc = dv.getUint32(b.length - 8, true);
  if (size > maxInflated(b.length)) throw new FormatError(`${what}: declared size ${size} cannot come from ${b.length} gzip bytes`);
  let out: Uint8Array;
  try { out = fflate.gunzipSync(b, { out: new Uint8Array(size) }); } catch (e) { throw wrap(what, e); }
  if (out.length !== size || crc32(out) !== crc) throw new FormatError(`${what}: corrupt gzip data (${out.length} bytes inflated, ${size} declared${out.length === size ? ', CRC mismatch' : ''})`);
  return out;
}
