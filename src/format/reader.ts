import { FormatError } from '../errors.js';

/**
 * Bounds-checked little-endian reading and writing of untrusted bytes. Every read checks the bytes
 * that remain first; every count is checked against them BEFORE anything is allocated. Errors are
 * `FormatError`s naming the field and the byte offset.
 */

/** Anything bytes can come as: ArrayBuffer, a typed array or a DataView. */
export type BytesLike = ArrayBuffer | SharedArrayBuffer | ArrayBufferView;

/**
 * A Uint8Array view on bytes (no copy).
 * @example toBytes(new ArrayBuffer(8)).length === 8
 */
export function toBytes(src: BytesLike): Uint8Array {
  if (src instanceof Uint8Array) return src;
  if (ArrayBuffer.isView(src)) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  if (src instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && src instanceof SharedArrayBuffer)) return new Uint8Array(src);
  throw new FormatError(`expected bytes (ArrayBuffer or typed array), got ${src === null ? 'null' : typeof src}`);
}

/** True when the value can be read as bytes. @example isBytes(new Uint8Array(1)) === true */
export function isBytes(v: unknown): v is BytesLike {
  return ArrayBuffer.isView(v) || v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer);
}

/**
 * Sequential reader over untrusted bytes.
 * @example
 * const r = new ByteReader(bytes, 'NDArray file');
 * const magic = r.u64('header');
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  readonly dv: DataView;
  pos = 0;
  /** @example new ByteReader(bytes, 'NDArray file') */
  constructor(src: BytesLike, readonly what: string, readonly base = 0) {
    this.bytes = toBytes(src);
    this.dv = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** Bytes left after the position. @example r.remaining */
  get remaining(): number { return this.bytes.length - this.pos; }
  /** Total bytes. @example r.length */
  get length(): number { return this.bytes.length; }

  /** A FormatError about this file at a byte offset (default: the current position). @example throw r.error('bad magic', 0) */
  error(msg: string, at = this.pos): FormatError {
    return new FormatError(`${this.what}: ${msg} (at byte ${this.base + at})`, { offset: this.base + at, file: this.what });
  }

  /** Throws unless `n` more bytes are there. @example r.need(8, 'header') */
  need(n: number, field: string): void {
    if (!(n <= this.remaining)) {
      throw this.error(`truncated: ${field} needs ${n} bytes but only ${this.remaining} remain`);
    }
  }

  u8(field: string): number { this.need(1, field); return this.bytes[this.pos++]; }
  u16(field: string): number { this.need(2, field); const v = this.dv.getUint16(this.pos, true); this.pos += 2; return v; }
  u32(field: string): number { this.need(4, field); const v = this.dv.getUint32(this.pos, true); this.pos += 4; return v; }
  i32(field: string): number { this.need(4, field); const v = this.dv.getInt32(this.pos, true); this.pos += 4; return v; }

  /** A uint64 as a BigInt. */
  u64big(field: string): bigint { this.need(8, field); const v = this.dv.getBigUint64(this.pos, true); this.pos += 8; return v; }
  /** An int64 as a BigInt. */
  i64big(field: string): bigint { this.need(8, field); const v = this.dv.getBigInt64(this.pos, true); this.pos += 8; return v; }

  /** An int64 that must be a safe integer in [min, max] (else FormatError naming the field). @example r.i64('dim 0') */
  i64(field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const at = this.pos;
    const v = this.i64big(field);
    if (v < BigInt(Math.ceil(min)) || v > BigInt(Math.floor(max))) throw this.error(`${field} ${v} out of range [${min}, ${max}]`, at);
    return Number(v);
  }

  /**
   * A uint64 element count, checked so that `count * minItemBytes` bytes can still follow:
   * a file claiming 2^60 items fails here, before anything is allocated.
   * @example const n = r.count('array count', 4);
   */
  count(field: string, minItemBytes: number): number {
    const at = this.pos;
    const v = this.u64big(field);
    const cap = minItemBytes > 0 ? Math.floor(this.remaining / minItemBytes) : this.remaining;
    if (v > BigInt(cap)) throw this.error(`${field} ${v} is more than the ${this.remaining} remaining bytes can hold`, at);
    return Number(v);
  }

  /** `n` bytes as a view (no copy). @example r.take(16, 'data') */
  take(n: number, field: string): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) throw this.error(`${field}: bad length ${n}`);
    this.need(n, field);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A UTF-8 string of `n` bytes. */
  utf8(n: number, field: string): string {
    const b = this.take(n, field);
    return new TextDecoder('utf-8').decode(b.buffer instanceof ArrayBuffer ? b : b.slice()); // no decoding from shared memory
  }

  /** Moves to an absolute offset (checked). @example r.seek(0, 'start') */
  seek(at: number, field: string): void {
    if (!(Number.isSafeInteger(at) && at >= 0 && at <= this.bytes.length)) throw this.error(`${field}: offset ${at} is outside the ${this.bytes.length} bytes`);
    this.pos = at;
  }
}

/**
 * Growable little-endian byte writer.
 * @example
 * const w = new ByteWriter(); w.u64(0x112n); w.u32(1); const bytes = w.finish();
 */
export class ByteWriter {
  private buf: Uint8Array;
  private dv: DataView;
  pos = 0;
  /** @example new ByteWriter(totalBytes) // one allocation when the size is known */
  constructor(capacity = 1024) { this.buf = new Uint8Array(Math.max(16, capacity)); this.dv = new DataView(this.buf.buffer); }

  private grow(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }

  u8(v: number): void { this.grow(1); this.buf[this.pos++] = v; }
  u16(v: number): void { this.grow(2); this.dv.setUint16(this.pos, v, true); this.pos += 2; }
  u32(v: number): void { this.grow(4); this.dv.setUint32(this.pos, v >>> 0, true); this.pos += 4; }
  i32(v: number): void { this.grow(4); this.dv.setInt32(this.pos, v, true); this.pos += 4; }
  u64(v: number | bigint): void { this.grow(8); this.dv.setBigUint64(this.pos, BigInt(v), true); this.pos += 8; }
  i64(v: number | bigint): void { this.grow(8); this.dv.setBigInt64(this.pos, BigInt(v), true); this.pos += 8; }
  bytes(b: Uint8Array): void { this.grow(b.length); this.buf.set(b, this.pos); this.pos += b.length; }
  /** Reserves `n` bytes and returns a view to fill in place. */
  reserve(n: number): Uint8Array { this.grow(n); const v = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return v; }
  /** dmlc string: uint64 length + UTF-8 bytes. */
  str64(s: string): void { const b = new TextEncoder().encode(s); this.u64(b.length); this.bytes(b); }
  /** The written bytes (exact length; the writer's own buffer when it is full). */
  finish(): Uint8Array { return this.pos === this.buf.length ? this.buf : this.buf.slice(0, this.pos); }
}
