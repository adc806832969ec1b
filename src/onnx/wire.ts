/**
 * Protobuf wire format, bounds-checked, for ONNX files. Hand-written rather than protobufjs: the
 * ONNX messages need only varints, fixed32/64 and length-delimited fields, and this file adds about
 * 1 KB (brotli) to a bundle where protobufjs/minimal's Reader+Writer add about 10 KB (measured with
 * esbuild --minify; README). Every read checks the bytes left first; errors are FormatErrors naming
 * the message, the field and the byte offset.
 */
import { FormatError } from '../errors.js';
/** Wire types: varint, 64-bit, length-delimited, (groups), 32-bit. */
export const VARINT = 0, I64 = 1, LEN = 2, I32 = 5;
const dec = new TextDecoder('utf-8', { fatal: false });
const enc = new TextEncoder();
/**
 * A reader over one message's bytes `[pos, end)` of a shared buffer.
 * @example const r = new WireReader(bytes, 'ModelProto'); while (r.more()) { const [f, w] = r.key(); r.skip(w); }
 */
export class WireReader {
  readonly dv: DataView;
  pos: number;
  constructor(readonly bytes: Uint8Array, readonly what: string, start = 0, readonly end = bytes.length) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }
  fail(msg: string): never { throw new FormatError(`ONNX ${this.what}: ${msg} at byte ${this.pos}`, { offset: this.pos }); }
  more(): boolean { return this.pos < this.end; }
  private need(n: number, field: string): void {
    if (n < 0 || this.pos + n > this.end) this.fail(`truncated ${field} (needs ${n} bytes, ${this.end - this.pos} left)`);
  }
  /** A varint as a JS number; int64 values beyond 2^53 lose precision, negatives (10-byte) come back negative. */
  varint(field = 'varint'): number {
    let lo = 0, hi = 0, shift = 0, b: number;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.fail(`truncated ${field}`);
      if (i >= 10) this.fail(`${field} longer than 10 bytes`);
      b = this.bytes[this.pos++];
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) { lo |= (b & 0x0f) << 28; hi |= (b & 0x7f) >> 4; }
      else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
      if (!(b & 0x80)) break;
    }
    lo >>>= 0;
    // hi as signed 32 bits gives the two's-complement int64 value
    return (hi | 0) * 4294967296 + lo;
  }
  /** A field key: [field number, wire type]. */
  key(): [number, number] {
    const k = this.varint('field key');
    const f = Math.floor(k / 8), w = k & 7;
    if (f < 1) this.fail(`bad field number ${f}`);
    return [f, w];
  }
  f32(field: string): number { this.need(4, field); const v = this.dv.getFloat32(this.pos, true); this.pos += 4; return v; }
  f64(field: string): number { this.need(8, field); const v = this.dv.getFloat64(this.pos, true); this.pos += 8; return v; }
  /** Length of a length-delimited field, checked against the bytes left. */
  len(field: string): number {
    const n = this.varint(`${field} length`);
    this.need(n, field);
    return n;
  }
  /** Bytes of a length-delimited field (a view, no copy). */
  bytesField(field: string): Uint8Array {
    const n = this.len(field), s = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  string(field: string): string { return dec.decode(this.bytesField(field)); }
  /** A sub-reader for an embedded message; the parent skips past it. */
  sub(what: string): WireReader {
    const n = this.len(what), r = new WireReader(this.bytes, what, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
  /** Skips a field of wire type `w` (groups are refused: ONNX never uses them). */
  skip(w: number, field = 'field'): void {
    if (w === VARINT) this.varint(field);
    else if (w === I64) { this.need(8, field); this.pos += 8; }
    else if (w === LEN) { this.pos += this.len(field); }
    else if (w === I32) { this.need(4, field); this.pos += 4; }
    else this.fail(`unsupported wire type ${w} in ${field}`);
  }
  /** A repeated numeric field, packed (LEN) or one value (scalar wire type), appended to `out`. */
  repeated(w: number, kind: 'varint' | 'f32' | 'f64', field: string, out: number[]): void {
    const one = () => (kind === 'varint' ? this.varint(field) : kind === 'f32' ? this.f32(field) : this.f64(field));
    const want = kind === 'varint' ? VARINT : kind === 'f32' ? I32 : I64;
    if (w === LEN) {
      const n = this.len(field), end = this.pos + n;
      // one value takes at least one byte: the count is bounded by the bytes there
      while (this.pos < end) out.push(one());
      if (this.pos !== end) this.fail(`packed ${field} overruns its length`);
    } else if (w === want) out.push(one());
    else this.fail(`${field} has wire type ${w}, expected ${want} or packed`);
  }
}
/**
 * A growable protobuf writer (for the exporter). Nested messages are written with `msg`.
 * @example const w = new WireWriter(); w.str(1, 'x'); w.finish()
 */
export class WireWriter {
  private buf = new Uint8Array(256);
  private n = 0;
  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let c = this.buf.length * 2;
    while (c < this.n + k) c *= 2;
    const b = new Uint8Array(c);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  /** Raw varint (negative numbers as 10-byte two's complement, as int64). */
  varintRaw(v: number): void {
    this.room(10);
    if (v < 0) {
      let big = BigInt.asUintN(64, BigInt(Math.trunc(v)));
      do { let b = Number(big & 0x7fn); big >>= 7n; if (big) b |= 0x80; this.buf[this.n++] = b; } while (big);
      return;
    }
    while (v >= 0x80) { this.buf[this.n++] = (v % 128) | 0x80; v = Math.floor(v / 128); }
    this.buf[this.n++] = v;
  }
  private key(f: number, w: number): void { this.varintRaw(f * 8 + w); }
  int(f: number, v: number): this { this.key(f, VARINT); this.varintRaw(v); return this; }
  float(f: number, v: number): this { this.key(f, I32); this.room(4); new DataView(this.buf.buffer).setFloat32(this.n, v, true); this.n += 4; return this; }
  bytes(f: number, b: Uint8Array): this { this.key(f, LEN); this.varintRaw(b.length); this.room(b.length); this.buf.set(b, this.n); this.n += b.length; return this; }
  str(f: number, s: string): this { return this.bytes(f, enc.encode(s)); }
  msg(f: number, build: (w: WireWriter) => void): this { const w = new WireWriter(); build(w); return this.bytes(f, w.finish()); }
  /** Packed repeated varints. */
  ints(f: number, vs: number[]): this {
    const w = new WireWriter();
    for (const v of vs) w.varintRaw(v);
    return this.bytes(f, w.finish());
  }
  finish(): Uint8Array { return this.buf.slice(0, this.n); }
}
