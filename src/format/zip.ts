/**
 * Minimal zip reading and writing for `.npz` (NumPy / MXNet 2.x `npx.savez`): stored and deflated
 * members, zip64 sizes and offsets (numpy writes zip64 extras). Every offset and size is checked
 * against the archive before use.
 */
import { FormatError } from '../errors.js';
import { ByteReader, ByteWriter, toBytes, type BytesLike } from './reader.js';
import { crc32, inflateRaw } from './inflate.js';

/** One archive member. */
export interface ZipEntry { name: string; method: number; compressedSize: number; size: number; crc: number; localOffset: number }

const EOCD = 0x06054b50, EOCD64 = 0x06064b50, LOC64 = 0x07064b50, CEN = 0x02014b50, LOC = 0x04034b50;

/** True when the bytes start like a zip archive. @example isZip(bytes) */
export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);
}

function readZip64Extra(r: ByteReader, end: number, e: ZipEntry, need: { size: boolean; comp: boolean; off: boolean }): void {
  while (r.pos + 4 <= end) {
    const id = r.u16('extra id'), len = r.u16('extra length');
    const next = r.pos + len;
    if (next > end) throw r.error('extra field runs past its header');
    if (id === 1) {
      if (need.size) e.size = r.i64('zip64 size');
      if (need.comp) e.compressedSize = r.i64('zip64 compressed size');
      if (need.off) e.localOffset = r.i64('zip64 offset');
    }
    r.seek(next, 'extra field');
  }
}

/**
 * Lists the members of a zip archive (from its central directory).
 * @example readZipEntries(bytes).map((e) => e.name)
 */
export function readZipEntries(src: BytesLike, what = 'npz archive'): ZipEntry[] {
  const r = new ByteReader(src, what);
  const b = r.bytes;
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 5 && b[i + 3] === 6) { eocd = i; break; }
  }
  if (eocd < 0) throw r.error('no end-of-central-directory record (truncated or not a zip archive)', b.length);
  r.seek(eocd + 10, 'end record');
  let count = r.u16('entry count');
  r.u32('directory size');
  let cdOff = r.u32('directory offset');
  if ((count === 0xffff || cdOff === 0xffffffff) && eocd >= 20) {
    r.seek(eocd - 20, 'zip64 locator');
    if (r.u32('zip64 locator signature') === LOC64) {
      r.u32('disk');
      const at = r.i64('zip64 end record offset', 0, b.length - 56);
      r.seek(at, 'zip64 end record');
      if (r.u32('zip64 end signature') !== EOCD64) throw r.error('bad zip64 end record signature', at);
      r.seek(at + 32, 'zip64 end record');
      count = r.i64('zip64 entry count', 0, Math.floor(b.length / 46));
      r.i64('zip64 directory size');
      cdOff = r.i64('zip64 directory offset', 0, b.length);
    }
  }
  if (count * 46 > b.length) throw r.error(`entry count ${count} does not fit in ${b.length} bytes`, eocd);
  r.seek(cdOff, 'central directory');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    if (r.u32(`entry ${i} signature`) !== CEN) throw r.error(`entry ${i}: bad central directory signature`, at);
    r.seek(at + 10, 'entry');
    const method = r.u16('method');
    r.u32('time');
    const crc = r.u32('crc');
    const comp = r.u32('compressed size'), size = r.u32('size');
    const nlen = r.u16('name length'), xlen = r.u16('extra length'), clen = r.u16('comment length');
    r.seek(at + 42, 'entry');
    const off = r.u32('local header offset');
    const name = r.utf8(nlen, `entry ${i} name`);
    const e: ZipEntry = { name, method, compressedSize: comp, size, crc, localOffset: off };
    const xend = r.pos + xlen;
    r.need(xlen + clen, `entry ${i} extra and comment`);
    readZip64Extra(r, xend, e, { size: size === 0xffffffff, comp: comp === 0xffffffff, off: off === 0xffffffff });
    r.seek(xend + clen, 'entry');
    entries.push(e);
  }
  return entries;
}

/**
 * The uncompressed bytes of one member (stored or deflated), CRC-checked.
 * @example readZipMember(bytes, readZipEntries(bytes)[0])
 */
export function readZipMember(src: BytesLike, e: ZipEntry, what = 'npz archive'): Uint8Array {
  const r = new ByteReader(src, what);
  r.seek(e.localOffset, `member ${e.name}`);
  if (r.u32(`member ${e.name} signature`) !== LOC) throw r.error(`member ${e.name}: bad local header signature`, e.localOffset);
  r.seek(e.localOffset + 26, `member ${e.name}`);
  const nlen = r.u16('name length'), xlen = r.u16('extra length');
  r.need(nlen + xlen, `member ${e.name} header`);
  r.pos += nlen + xlen;
  const data = r.take(e.compressedSize, `member ${e.name} data`);
  let out: Uint8Array;
  if (e.method === 0) {
    if (e.size !== e.compressedSize) throw r.error(`member ${e.name}: stored sizes differ`, e.localOffset);
    out = data;
  } else if (e.method === 8) out = inflateRaw(data, e.size, `${what} member ${e.name}`);
  else throw new FormatError(`${what}: member ${e.name} uses compression method ${e.method} (only stored and deflate are supported)`);
  if (crc32(out) !== e.crc) throw new FormatError(`${what}: member ${e.name} fails its CRC check`, { member: e.name });
  return out;
}

/** Options of `writeZip`: a deflate function (method 8; stored otherwise), zip64 extras as numpy's `force_zip64` writes. */
export interface ZipWriteOptions { deflate?: (data: Uint8Array) => Uint8Array; zip64?: boolean }

/**
 * Writes a zip archive; members are stored (uncompressed) unless a deflate function is given.
 * numpy and MXNet read both.
 * @example writeZip([{ name: 'a.npy', data: npyBytes }]); writeZip(members, { deflate: zlib.deflateRawSync })
 */
export function writeZip(members: { name: string; data: BytesLike }[], opts: ZipWriteOptions = {}): Uint8Array {
  const w = new ByteWriter();
  const cen = new ByteWriter();
  const enc = new TextEncoder();
  const z64 = !!opts.zip64;
  for (const m of members) {
    const raw = toBytes(m.data), name = enc.encode(m.name), crc = crc32(raw), off = w.pos;
    const data = opts.deflate ? toBytes(opts.deflate(raw)) : raw, method = opts.deflate ? 8 : 0;
    if (off > 0xfffffff0 || data.length > 0xfffffff0 || raw.length > 0xfffffff0) throw new FormatError('writeZip: archives over 4 GiB are not supported');
    const head = (x: ByteWriter, central: boolean) => {
      x.u16(z64 ? 45 : 20); x.u16(0); x.u16(method); x.u16(0); x.u16(0x21); x.u32(crc);
      x.u32(z64 ? 0xffffffff : data.length); x.u32(z64 ? 0xffffffff : raw.length); x.u16(name.length); x.u16(z64 ? 20 : 0);
      if (central) { x.u16(0); x.u16(0); x.u16(0); x.u32(0); x.u32(off); }
      x.bytes(name);
      if (z64) { x.u16(1); x.u16(16); x.u64(raw.length); x.u64(data.length); }
    };
    w.u32(LOC); head(w, false); w.bytes(data);
    cen.u32(CEN); cen.u16(z64 ? 45 : 20); head(cen, true);
  }
  const cd = cen.finish(), cdOff = w.pos;
  w.bytes(cd);
  w.u32(EOCD); w.u16(0); w.u16(0); w.u16(members.length); w.u16(members.length); w.u32(cd.length); w.u32(cdOff); w.u16(0);
  return w.finish();
}
