/**
 * A small raw-DEFLATE decoder (RFC 1951) for `.npz` members, in plain TypeScript so it runs in
 * browsers and edge runtimes too. The output size is fixed in advance (the zip's declared size)
 * and never exceeded; malformed streams give a FormatError, never a hang.
 */
import { FormatError } from '../errors.js';

interface Huff { counts: Uint16Array; symbols: Uint16Array }

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

function build(lengths: ArrayLike<number>, n: number, what: string): Huff {
  const counts = new Uint16Array(16), symbols = new Uint16Array(n), offs = new Uint16Array(16);
  for (let i = 0; i < n; i++) counts[lengths[i]]++;
  counts[0] = 0;
  let left = 1;
  for (let len = 1; len < 16; len++) { left = left * 2 - counts[len]; if (left < 0) throw new FormatError(`deflate: over-subscribed ${what} code`); }
  for (let len = 1; len < 15; len++) offs[len + 1] = offs[len] + counts[len];
  for (let i = 0; i < n; i++) if (lengths[i]) symbols[offs[lengths[i]]++] = i;
  return { counts, symbols };
}

let fixedLit: Huff | undefined, fixedDist: Huff | undefined;
function fixed(): [Huff, Huff] {
  if (!fixedLit) {
    const l = new Uint8Array(288);
    l.fill(8, 0, 144); l.fill(9, 144, 256); l.fill(7, 256, 280); l.fill(8, 280, 288);
    fixedLit = build(l, 288, 'literal');
    fixedDist = build(new Uint8Array(30).fill(5), 30, 'distance');
  }
  return [fixedLit, fixedDist!];
}

/**
 * Inflates raw DEFLATE data into exactly `outSize` bytes.
 * @example inflateRaw(zlib.deflateRawSync(buf), buf.length)
 */
export function inflateRaw(src: Uint8Array, outSize: number, what = 'deflate stream'): Uint8Array {
  // A DEFLATE stream expands at most ~1032:1; refuse declared sizes the input cannot produce.
  if (!(Number.isSafeInteger(outSize) && outSize >= 0) || outSize > src.length * 1032 + 1024) {
    throw new FormatError(`${what}: declared size ${outSize} cannot come from ${src.length} compressed bytes`);
  }
  const out = new Uint8Array(outSize);
  let pos = 0, bitbuf = 0, bitcnt = 0, op = 0;
  const fail = (m: string): never => { throw new FormatError(`${what}: ${m} (at compressed byte ${pos})`, { offset: pos }); };
  const bits = (n: number): number => {
    while (bitcnt < n) {
      if (pos >= src.length) fail('unexpected end of data');
      bitbuf |= src[pos++] << bitcnt; bitcnt += 8;
    }
    const v = bitbuf & ((1 << n) - 1);
    bitbuf >>>= n; bitcnt -= n;
    return v;
  };
  const decode = (h: Huff): number => {
    let code = 0, first = 0, index = 0;
    for (let len = 1; len < 16; len++) {
      code |= bits(1);
      const count = h.counts[len];
      if (code - count < first) return h.symbols[index + (code - first)];
      index += count; first += count; first <<= 1; code <<= 1;
    }
    return fail('invalid Huffman code');
  };
  let last = 0;
  do {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      bitbuf = 0; bitcnt = 0;
      if (pos + 4 > src.length) fail('truncated stored block header');
      const len = src[pos] | (src[pos + 1] << 8), nlen = src[pos + 2] | (src[pos + 3] << 8);
      pos += 4;
      if (len !== (~nlen & 0xffff)) fail('stored block length check failed');
      if (pos + len > src.length) fail('truncated stored block');
      if (op + len > outSize) fail(`output exceeds the declared ${outSize} bytes`);
      out.set(src.subarray(pos, pos + len), op); pos += len; op += len;
      continue;
    }
    let lit: Huff, dist: Huff;
    if (type === 1) [lit, dist] = fixed();
    else if (type === 2) {
      const hlit = bits(5) + 257, hdist = bits(5) + 1, hclen = bits(4) + 4;
      if (hlit > 286 || hdist > 30) fail('bad code counts');
      const cl = new Uint8Array(19);
      for (let i = 0; i < hclen; i++) cl[CL_ORDER[i]] = bits(3);
      const clh = build(cl, 19, 'code length');
      const lens = new Uint8Array(hlit + hdist);
      for (let i = 0; i < hlit + hdist;) {
        const sym = decode(clh);
        if (sym < 16) { lens[i++] = sym; continue; }
        let rep = 0, val = 0;
        if (sym === 16) { if (i === 0) fail('repeat with no previous length'); val = lens[i - 1]; rep = 3 + bits(2); }
        else if (sym === 17) rep = 3 + bits(3);
        else rep = 11 + bits(7);
        if (i + rep > hlit + hdist) fail('too many code lengths');
        lens.fill(val, i, i + rep); i += rep;
      }
      if (lens[256] === 0) fail('no end-of-block code');
      lit = build(lens.subarray(0, hlit), hlit, 'literal');
      dist = build(lens.subarray(hlit), hdist, 'distance');
    } else return fail('invalid block type 3');
    for (;;) {
      const sym = decode(lit);
      if (sym < 256) {
        if (op >= outSize) fail(`output exceeds the declared ${outSize} bytes`);
        out[op++] = sym;
      } else if (sym === 256) break;
      else {
        const li = sym - 257;
        if (li >= 29) fail('invalid length code');
        const len = LEN_BASE[li] + bits(LEN_EXTRA[li]);
        const di = decode(dist);
        if (di >= 30) fail('invalid distance code');
        const d = DIST_BASE[di] + bits(DIST_EXTRA[di]);
        if (d > op) fail(`distance ${d} reaches before the start of the output`);
        if (op + len > outSize) fail(`output exceeds the declared ${outSize} bytes`);
        for (let k = 0; k < len; k++, op++) out[op] = out[op - d];
      }
    }
  } while (!last);
  if (op !== outSize) fail(`stream ended after ${op} of the declared ${outSize} bytes`);
  return out;
}

let crcTable: Uint32Array | undefined;
/** CRC-32 (zip's). @example crc32(new TextEncoder().encode('123456789')) === 0xcbf43926 */
export function crc32(b: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; crcTable[n] = c >>> 0; }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
