/**
 * One error family for everything mxwasm reports. Messages name the op, node and argument, the way
 * MXNet does ("Error in operator conv1: Shape inconsistent ..."). Type guards check `name`, so they
 * still work on errors rebuilt after crossing a worker boundary.
 *
 * @example
 * try { mx.nd.zeros([2, 3]).reshape([7]); } catch (e) { if (isMxError(e)) console.log(e.kind, e.message); }
 */
export type MxErrorKind = 'shape' | 'dtype' | 'argument' | 'memory' | 'kernel' | 'format' | 'bind' | 'unsupported' | 'worker' | 'protocol' | 'timeout';

export class MxError extends Error {
  readonly kind: MxErrorKind;
  /** Op name, node name, argument name or byte offset the error is about, when known. */
  readonly where?: Record<string, unknown>;
  constructor(kind: MxErrorKind, message: string, where?: Record<string, unknown>) {
    super(message);
    this.name = 'MxError';
    this.kind = kind;
    this.where = where;
  }
}

/** Wrong or inconsistent shapes. @example throw new ShapeError('Error in operator fc1: ...') */
export class ShapeError extends MxError {
  constructor(message: string, where?: Record<string, unknown>) { super('shape', message, where); this.name = 'ShapeError'; }
}
/** Unsupported or inconsistent dtypes. @example throw new DTypeError('expected float32') */
export class DTypeError extends MxError {
  constructor(message: string, where?: Record<string, unknown>) { super('dtype', message, where); this.name = 'DTypeError'; }
}
/** A bad attribute or argument value. @example throw new ArgumentError('kernel must be a tuple') */
export class ArgumentError extends MxError {
  constructor(message: string, where?: Record<string, unknown>) { super('argument', message, where); this.name = 'ArgumentError'; }
}
/** Out of wasm memory: says how many bytes were asked for and how many are available. @example new MemoryError('...') */
export class MemoryError extends MxError {
  constructor(message: string, where?: Record<string, unknown>) { super('memory', message, where); this.name = 'MemoryError'; }
}
/** A kernel trapped or a worker failed while running one. @example new KernelError('f32_gemm trapped') */
export class KernelError extends MxError {
  constructor(message: string, where?: Record<string, unknown>) { super('kernel', message, where); this.name = 'KernelError'; }
}
/** A malformed or truncated model / data file: names the byte offset or node. @example new FormatError('truncated at byte 24') */
export class FormatError extends MxError {
  constructor(message: string, where?: Record<string, unknown>) { super('format', message, where); this.name = 'FormatError'; }
}

const NAMES = new Set(['MxError', 'ShapeError', 'DTypeError', 'ArgumentError', 'MemoryError', 'KernelError', 'FormatError']);

/** True for any error of the MxError family, also after structured cloning. @example if (isMxError(e)) ... */
export function isMxError(e: unknown): e is MxError {
  return typeof e === 'object' && e !== null && NAMES.has((e as { name?: string }).name ?? '');
}

/** Prefixes a message the way MXNet does for operator errors. @example opError('conv1', 'Convolution', 'kernel is required') */
export function opMessage(node: string | undefined, op: string, msg: string): string {
  return `Error in operator ${node ?? op}${node && node !== op ? ` (${op})` : ''}: ${msg}`;
}
