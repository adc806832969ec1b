// Helpers every op family shares (one copy each): the float32-only type rule, axis normalisation, step
// sequencing and the gradient-offset rule of backward lowerings. Argument order follows `opMessage`: node, op.
import { DTypeError, ShapeError, opMessage } from '../errors.js';
import type { DType } from '../runtime/dtype.js';
import type { BackwardArgs, Step, TypeResult } from './registry.js';
// Kernel calls by name (the typed definitions' builders), for every op file.
export { kernelCall, kernelStep, kernelWith, type KernelArgs, type KernelsOf } from '../runtime/manifest/args.js';

/**
 * inferType for float32-only ops with `nOut` outputs and `nAux` aux states: any other input dtype is a DTypeError
 * (naming the input by `names` where given).
 * @example inferType: f32Types('BatchNorm', 3, 2)
 */
export function f32Types(op: string, nOut = 1, nAux = 0, names?: readonly string[]) {
  return (_a: unknown, ins: (DType | undefined)[], node: string): TypeResult => {
    ins.forEach((t, i) => {
      if (t && t !== 'float32') throw new DTypeError(opMessage(node, op, `only float32 is supported, got ${t} for input ${names?.[i] ?? i}`), { op, node, arg: names?.[i] ?? i });
    });
    const f = (n: number) => Array.from({ length: n }, () => 'float32' as DType);
    return { ins: f(ins.length), outs: f(nOut), aux: f(nAux) };
  };
}

/**
 * A possibly negative axis normalised against `ndim` dimensions, or a ShapeError naming node, op and attribute.
 * @example axisOf('n', 'sum', -1, 3) === 2
 */
export function axisOf(node: string | undefined, op: string, axis: number, ndim: number, what = 'axis'): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(a) || a < 0 || a >= ndim) {
    throw new ShapeError(opMessage(node, op, `${what} ${axis} is out of range for an input of ${ndim} dimensions`), { op, node, attr: what });
  }
  return a;
}

/** Runs lowered steps in order (one closure, no decisions). @example return seq([stepA, stepB]) */
export function seq(steps: Step[]): Step {
  if (steps.length === 0) return () => {};
  if (steps.length === 1) return steps[0];
  return () => { for (let i = 0; i < steps.length; i++) steps[i](); };
}

/** The steps that are there, in order (a condition fixed at lowering leaves `false` for a step not wanted). @example seqOf(wantX && stepX, stepY) */
export const seqOf = (...steps: (Step | false | undefined | null | 0)[]): Step => seq(steps.filter((s): s is Step => !!s));

/**
 * Byte offset where backward writes input `k`'s gradient, or 0 where none is wanted (`req` 'null' or no array).
 * @example const dx = gradOff(g, 0); if (dx) steps.push(kernelStep(K, 'x8_copy', { src: dy, dst: dx, n: bytes }))
 */
export function gradOff(g: Pick<BackwardArgs, 'req' | 'inGrads'>, k: number): number {
  return g.req[k] !== 'null' && g.inGrads[k] ? g.inGrads[k].off : 0;
}
