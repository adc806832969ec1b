// Concat (concat), stack and SliceChannel (split): block copies between one big array and its
// parts along an axis, each part one strided copy (rows of k*inner values). Gradients: the reverse copies.
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape, Step, TensorRef } from '../registry.js';
import type { KernelTable } from '../../runtime/manifest.js';
import { prod } from '../../util/shape.js';
import { anyType, fail, planCopy } from './common.js';
import { DTYPE_BYTES } from '../../runtime/dtype.js';
import { axisOf } from '../helpers.js';
import { independentCalls } from '../../runtime/parts.js';

/** MXWASM_CONCAT_PARTS=0: each part one strided copy as before, none cut for the threads (A/B). */
const AS_PIECES = (globalThis as { process?: { env?: Record<string, string> } }).process?.env?.MXWASM_CONCAT_PARTS !== '0';
/** Pieces a copy is cut into (4 a thread on 2), none under MIN_PIECE bytes; rows under MIN_ROW bytes stay strided copies. */
const PIECES = 8, MIN_PIECE = 32 << 10, MIN_ROW = 512, MAX_ROWS = 4096;

/**
 * The byte copies [src, dst, n] between parts (outer, k_i, inner) at `parts` and a whole (outer, sum k_i, inner) at
 * `whole`, cut into pieces of about 1/PIECES of the total (64-byte multiples): the x8_copy calls of one independentCalls
 * step, which the thread pool runs as the parts of one job (DenseNet's and Inception's concats at batch 1 and
 * SqueezeNet's at batch 8 ran on the calling thread, each copy under x8_copy's own split size). Undefined where a row
 * is short (then one strided copy a part). Exported for tests.
 * @example pieceCalls(1, [3, 4], 1024, true, 4, [p0, p1], y) // two rows of 12 and 16 KiB
 */
export function pieceCalls(outer: number, ks: number[], inner: number, toWhole: boolean, es: number, parts: number[], whole: number,
  skip?: boolean[]): number[][] | undefined {
  const row = ks.reduce((a, b) => a + b, 0) * inner * es;
  if (!AS_PIECES || outer * ks.length > MAX_ROWS || ks.some((k) => k * inner * es < MIN_ROW)) return undefined;
  const segs: number[][] = [];
  let all = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0, at = 0; i < ks.length; at += ks[i++] * inner * es) {
      const n = ks[i] * inner * es, w = whole + o * row + at, p = parts[i] + o * n;
      if (!skip?.[i]) { segs.push(toWhole ? [p, w, n] : [w, p, n]); all += n; }
    }
  }
  const piece = Math.max(MIN_PIECE, Math.ceil(all / PIECES / 64) * 64), calls: number[][] = [];
  for (const [src, dst, n] of segs) for (let b = 0; b < n; b += piece) calls.push([src + b, dst + b, Math.min(piece, n - b)]);
  return calls;
}

/**
 * The step copying between parts (outer, k_i, inner) at `parts` and a whole (outer, sum k_i, inner) at `whole`:
 * toWhole = concat, else split; parts with `skip` set are left out. Byte pieces for the threads (pieceCalls) where rows
 * are long, else one strided copy a part.
 * @example partsCopy(K, 2, [3, 4], 5, true, node, 'Concat', 4, [x0.off, x1.off], y.off)
 */
function partsCopy(K: KernelTable, outer: number, ks: number[], inner: number, toWhole: boolean, node: string, op: string, es: number,
  parts: number[], whole: number, skip?: boolean[]): Step {
  const calls = pieceCalls(outer, ks, inner, toWhole, es, parts, whole, skip);
  if (calls) return calls.length ? independentCalls(K, 'x8_copy', calls) : () => {};
  const total = ks.reduce((a, b) => a + b, 0), steps: (() => void)[] = [];
  for (let i = 0, at = 0; i < ks.length; at += ks[i++] * inner * es) {
    if (skip?.[i]) continue;
    const k = ks[i], w = whole + at;
    steps.push(toWhole
      ? ((f) => () => f(parts[i], w))(planCopy(K, [outer, k * inner], [k * inner, 1], [total * inner, 1], node, op, es))
      : ((f) => () => f(w, parts[i]))(planCopy(K, [outer, k * inner], [total * inner, 1], [k * inner, 1], node, op, es)));
  }
  return () => { for (let i = 0; i < steps.length; i++) steps[i](); };
}

const concatAxis = (a: Attrs, nd: number, node?: string) => axisOf(node, 'Concat', a.dim, nd, 'dim');

function concatShape(a: Attrs, ins: (Shape | undefined)[], node?: string): Shape | undefined {
  if (ins.some((s) => !s)) return undefined;
  const s0 = ins[0]!, ax = concatAxis(a, s0.length, node);
  ins.forEach((s, i) => {
    if (s!.length !== s0.length || s!.some((d, j) => j !== ax && d !== s0[j])) {
      fail(node, 'Concat', `input ${i} has shape (${s!.join(',')}), incompatible with (${s0.join(',')}) along dim ${a.dim}`);
    }
  });
  return s0.map((d, j) => (j === ax ? ins.reduce((t, s) => t + s![j], 0) : d));
}

const concat: OpDef = {
  name: 'Concat', aliases: ['concat'],
  attrs: { num_args: { type: 'int', required: true }, dim: { type: 'int', default: 1 } },
  doc: 'Joins num_args arrays along `dim` (default 1).',
  inputs: (a) => Array.from({ length: a.num_args }, (_, i) => `arg${i}`),
  inferShape: (a, ins, _aux, node) => ({ ins, outs: [concatShape(a, ins, node)] }),
  inferType: anyType('Concat'),
  forward: (ctx, a, ins, [y]) => {
    const ax = concatAxis(a, y.shape.length, ctx.node);
    return partsCopy(ctx.K, prod(y.shape.slice(0, ax)), ins.map((x) => x.shape[ax]), prod(y.shape.slice(ax + 1)), true, ctx.node, 'Concat', DTYPE_BYTES[y.dtype],
      ins.map((x) => x.off), y.off);
  },
  backward: {
    saves: [],
    lower: (ctx, a, g) => {
      const [og] = g.outGrads, ys = g.outs[0].shape, ax = concatAxis(a, ys.length, ctx.node);
      return partsCopy(ctx.K, prod(ys.slice(0, ax)), g.inGrads.map((x) => x.shape[ax]), prod(ys.slice(ax + 1)), false, ctx.node, 'Concat', 4,
        g.inGrads.map((x) => x.off), og.off, g.req.map((r) => r === 'null'));
    },
  },
};

const stackAxis = (a: Attrs, nd: number, node?: string) => axisOf(node, 'stack', a.axis, nd + 1);
const stack: OpDef = {
  name: 'stack',
  attrs: { axis: { type: 'int', default: 0 }, num_args: { type: 'int', required: true } },
  doc: 'Stacks num_args arrays of one shape along a new axis.',
  inputs: (a) => Array.from({ length: a.num_args }, (_, i) => `arg${i}`),
  inferShape: (a, ins, _aux, node) => {
    const s0 = ins.find((s) => s);
    if (!s0) return { ins, outs: [undefined] };
    ins.forEach((s, i) => { if (s && (s.length !== s0.length || s.some((d, j) => d !== s0[j]))) fail(node, 'stack', `input ${i} has shape (${s.join(',')}), expected (${s0.join(',')})`); });
    const ax = stackAxis(a, s0.length, node);
    return { ins: ins.map(() => s0), outs: [[...s0.slice(0, ax), a.num_args, ...s0.slice(ax)]] };
  },
  inferType: anyType('stack'),
  forward: (ctx, a, ins, [y]) => {
    const ax = stackAxis(a, ins[0].shape.length, ctx.node), s = ins[0].shape;
    return partsCopy(ctx.K, prod(s.slice(0, ax)), ins.map(() => 1), prod(s.slice(ax)), true, ctx.node, 'stack', DTYPE_BYTES[y.dtype], ins.map((x) => x.off), y.off);
  },
  backward: {
    saves: [],
    lower: (ctx, a, g) => {
      const s = g.inGrads[0].shape, ax = stackAxis(a, s.length, ctx.node), [og] = g.outGrads;
      return partsCopy(ctx.K, prod(s.slice(0, ax)), g.inGrads.map(() => 1), prod(s.slice(ax)), false, ctx.node, 'stack', 4,
        g.inGrads.map((x) => x.off), og.off, g.req.map((r) => r === 'null'));
    },
  },
};

function splitShapes(a: Attrs, x: Shape, node?: string): Shape[] {
  const ax = axisOf(node, 'SliceChannel', a.axis, x.length), n = a.num_outputs;
  if (!(n > 0) || x[ax] % n !== 0) fail(node, 'SliceChannel', `axis ${a.axis} of size ${x[ax]} cannot be split into ${n} equal parts`);
  const k = x[ax] / n;
  if (a.squeeze_axis && k !== 1) fail(node, 'SliceChannel', `squeeze_axis needs parts of size 1 along axis ${a.axis}, got ${k}`);
  const part = a.squeeze_axis ? [...x.slice(0, ax), ...x.slice(ax + 1)] : x.map((d, j) => (j === ax ? k : d));
  return Array.from({ length: n }, () => part);
}

function splitCopy(ctx: { K: KernelTable; node: string }, a: Attrs, x: Shape, toWhole: boolean, es: number, parts: number[], whole: number): Step {
  const ax = axisOf(ctx.node, 'SliceChannel', a.axis, x.length), k = x[ax] / a.num_outputs;
  return partsCopy(ctx.K, prod(x.slice(0, ax)), Array.from({ length: a.num_outputs }, () => k), prod(x.slice(ax + 1)), toWhole, ctx.node, 'SliceChannel', es, parts, whole);
}

const split: OpDef = {
  name: 'SliceChannel', aliases: ['split'],
  attrs: { num_outputs: { type: 'int', required: true }, axis: { type: 'int', default: 1 }, squeeze_axis: { type: 'bool', default: false } },
  doc: 'Splits along `axis` into num_outputs equal parts (outputs output0..); squeeze_axis drops the axis.',
  inputs: () => ['data'],
  outputs: (a) => Array.from({ length: a.num_outputs }, (_, i) => `output${i}`),
  inferShape: (a, [x], _aux, node) => (x ? { ins: [x], outs: splitShapes(a, x, node) } : { ins: [undefined], outs: Array.from({ length: a.num_outputs }, () => undefined) }),
  inferType: (a, ins, node) => anyType('SliceChannel', a.num_outputs)(a, ins, node),
  forward: (ctx, a, [x], outs: TensorRef[]): Step => {
    return splitCopy(ctx, a, x.shape, false, DTYPE_BYTES[x.dtype], outs.map((o) => o.off), x.off);
  },
  backward: {
    saves: [],
    lower: (ctx, a, g) => {
      if (g.req[0] === 'null') return () => {};
      const [dx] = g.inGrads;
      return splitCopy(ctx, a, dx.shape, true, 4, g.outGrads.map((o) => o.off), dx.off);
    },
  },
};

export const CONCAT_OPS: OpDef[] = [concat, stack, split];
