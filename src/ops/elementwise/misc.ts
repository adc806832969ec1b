// clip, where, add_n (ElementWiseSum), identity (_copy), BlockGrad (stop_gradient), zeros_like,
// ones_like, Cast (cast), amp_cast.
import { DTypeError, ShapeError, opMessage } from '../../errors.js';
import { DTYPE_BYTES, MEMORY_DTYPES, type DType } from '../../runtime/dtype.js';
import { view } from '../../runtime/view.js';
import { CAST } from '../../runtime/manifest/copy.js';
import type { OpDef, Step } from '../registry.js';
import { fmtShape, sameShape } from '../../util/shape.js';
import { sameShapes, zeroBackward } from './common.js';
import { f32Types, gradOff, kernelStep, seq, seqOf } from '../helpers.js';

/**
 * clip: x > a_max ? a_max : x < a_min ? a_min : x. The gradient passes where a_min <= x <= a_max
 * (bounds inclusive, as MXNet 1.9.1).
 * @example mx.nd.clip(x, { a_min: 0, a_max: 6 }) // relu6
 */
export const clip: OpDef = {
  name: 'clip', doc: 'min(max(x, a_min), a_max)',
  attrs: { a_min: { type: 'float', required: true }, a_max: { type: 'float', required: true } },
  inputs: () => ['data'],
  inferShape: sameShapes('clip'),
  inferType: f32Types('clip'),
  forward: (ctx, a, [x], [o]) => {  return kernelStep(ctx.K, 'f32_vclip__simd128', { x: x.off, z: o.off, lo: a.a_min, hi: a.a_max, n: x.size }); },
  backward: {
    saves: ['inputs'],
    lower: (ctx, a, g) => {
      if (g.req[0] === 'null') return () => {};
      const [x] = g.ins, [go] = g.outGrads, [d] = g.inGrads;
      return kernelStep(ctx.K, 'f32_vclip_grad__simd128', { x: x.off, g: go.off, z: d.off, lo: a.a_min, hi: a.a_max, n: x.size });
    },
  },
  inplace: [[0, 0]],
};

/**
 * where(condition, x, y): condition != 0 ? x : y. condition has x's shape, or is 1-D with
 * x.shape[0] entries (selects whole rows). The condition gets a zero gradient.
 * @example mx.nd.where(mx.nd.array([1, 0]), a, b)
 */
export const where: OpDef = {
  name: 'where', attrs: {}, doc: 'condition ? x : y',
  inputs: () => ['condition', 'x', 'y'],
  inferShape: (_a, [c, x, y], _aux, node) => {
    const s = x ?? y;
    if (x && y && !sameShape(x, y)) throw new ShapeError(opMessage(node, 'where', `x ${fmtShape(x)} and y ${fmtShape(y)} must have the same shape`), { op: 'where' });
    if (c && s && !sameShape(c, s) && !(c.length === 1 && s.length >= 1 && c[0] === s[0])) {
      throw new ShapeError(opMessage(node, 'where', `condition ${fmtShape(c)} must have x's shape ${fmtShape(s)} or be 1-D of size ${s[0]}`), { op: 'where', arg: 'condition' });
    }
    return { ins: [c ?? s, s, s], outs: [s] };
  },
  inferType: f32Types('where'),
  forward: (ctx, _a, [c, x, y], [o]) => {
    const inner = c.size === o.size ? 1 : o.size / Math.max(c.size, 1);
    return kernelStep(ctx.K, 'f32_vwhere__simd128', { c: c.off, x: x.off, y: y.off, z: o.off, inner, n: o.size });
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, _a, g) => {
      const K = ctx.K, [c] = g.ins, [go] = g.outGrads, [dc] = g.inGrads, n = go.size;
      const inner = c.size === n ? 1 : n / Math.max(c.size, 1);
      const px = gradOff(g, 1), py = gradOff(g, 2), zc = g.req[0] !== 'null';
      return seqOf(zc && kernelStep(K, 'x8_zero', { dst: dc.off, n: dc.size * 4 }), (px || py) && kernelStep(K, 'f32_vwhere_grad__simd128', { c: c.off, g: go.off, gx: px, gy: py, inner, n }));
    },
  },
};

/**
 * add_n (ElementWiseSum): the sum of num_args same-shaped arrays.
 * @example mx.nd.add_n(a, b, c)
 */
export const addN: OpDef = {
  name: 'add_n', aliases: ['ElementWiseSum'], doc: 'arg0 + arg1 + ...',
  attrs: { num_args: { type: 'int', required: true } },
  inputs: (a) => Array.from({ length: a.num_args }, (_, i) => `arg${i}`),
  inferShape: sameShapes('add_n'),
  inferType: f32Types('add_n'),
  forward: (ctx, _a, ins, [o]) => {
    const K = ctx.K, n = o.size;
    if (ins.length === 1) { const x = ins[0]; return kernelStep(K, 'x8_copy', { src: x.off, dst: o.off, n: n * 4 }); }
    const steps: Step[] = ins.slice(1).map((x, i) => { const a = i === 0 ? ins[0].off : o.off; return kernelStep(K, 'f32_vadd__simd128_u8', { x: a, y: x.off, z: o.off, n }); });
    return seq(steps);
  },
  backward: {
    saves: [],
    lower: (ctx, _a, g) => {
      const K = ctx.K, [go] = g.outGrads, ds = g.inGrads.filter((_, i) => g.req[i] !== 'null');
      return seq(ds.map((d) => kernelStep(K, 'x8_copy', { src: go.off, dst: d.off, n: go.size * 4 })));
    },
  },
  inplace: [[0, 0]],
};

function copyOp(name: string, aliases: string[], zeroGrad: boolean, doc: string): OpDef {
  return {
    name, aliases, attrs: {}, doc,
    inputs: () => ['data'],
    inferShape: sameShapes(name),
    forward: (ctx, _a, [x], [o]) => { const K = ctx.K, b = x.size * DTYPE_BYTES[x.dtype]; return kernelStep(K, 'x8_copy', { src: x.off, dst: o.off, n: b }); },
    backward: zeroGrad ? zeroBackward : {
      saves: [],
      lower: (ctx, _a, g) => {
        if (g.req[0] === 'null') return () => {};
        const K = ctx.K, [go] = g.outGrads, [d] = g.inGrads;
        return kernelStep(K, 'x8_copy', { src: go.off, dst: d.off, n: go.size * DTYPE_BYTES[go.dtype] });
      },
    },
    inplace: [[0, 0]],
  };
}

/** identity (_copy): y = x, gradient passes. @example mx.nd.identity(x) */
export const identity = copyOp('identity', ['_copy'], false, 'a copy of x');
/** BlockGrad (stop_gradient): y = x, zero gradient. @example mx.nd.BlockGrad(x) */
export const blockGrad = copyOp('BlockGrad', ['stop_gradient'], true, 'a copy of x that stops the gradient');

function fillLike(name: string, v: number): OpDef {
  return {
    name, attrs: {}, doc: `an array of ${v}s shaped like the input, same dtype (zero gradient)`,
    inputs: () => ['data'],
    inferShape: sameShapes(name),
    forward: (ctx, _a, [x], [o]) => {
      const K = ctx.K, n = x.size, dt = o.dtype;
      if (dt === 'float32') return kernelStep(K, 'x32_fill', { dst: o.off, v, n });
      return () => { view(dt, o.off, n).fill(v); };
    },
    backward: zeroBackward,
  };
}
/** zeros_like: zeros shaped like the input. @example mx.nd.zeros_like(x) */
export const zerosLike = fillLike('zeros_like', 0);
/** ones_like: ones shaped like the input. @example mx.nd.ones_like(x) */
export const onesLike = fillLike('ones_like', 1);

const CAST_MODE: Record<string, number> = {
  float32_int32: CAST.f32_i32, int32_float32: CAST.i32_f32, float32_uint8: CAST.f32_x8, float32_int8: CAST.f32_x8, int32_uint8: CAST.i32_x8,
  int32_int8: CAST.i32_x8, uint8_float32: CAST.u8_f32, int8_float32: CAST.i8_f32, uint8_int32: CAST.u8_i32, int8_int32: CAST.i8_i32,
};
/** One cast of n values (x32_cast__simd128; a byte copy between same-width integer dtypes). */
function castStep(K: Parameters<typeof kernelStep>[0], src: DType, dst: DType, x: number, y: number, n: number): Step {
  const mode = CAST_MODE[`${src}_${dst}`];
  if (mode === undefined) return kernelStep(K, 'x8_copy', { src: x, dst: y, n: n * DTYPE_BYTES[src] }); // same width: the bits (u8 <-> i8 wraps)
  return kernelStep(K, 'x32_cast__simd128', { x, y, n, mode });
}

/**
 * Cast (cast): converts to `dtype` (float32, int32, uint8, int8 live in memory); the gradient is cast back.
 * @example mx.nd.Cast(x, { dtype: 'int32' })
 */
export const cast: OpDef = {
  name: 'Cast', aliases: ['cast'], doc: 'x converted to dtype',
  attrs: { dtype: { type: 'dtype', required: true } },
  inputs: () => ['data'],
  inferShape: sameShapes('Cast'),
  inferType: (a, [t], node) => {
    for (const d of [t, a.dtype] as (DType | undefined)[]) {
      if (d && !MEMORY_DTYPES.has(d)) throw new DTypeError(opMessage(node, 'Cast', `dtype ${d} is not supported (supported: ${[...MEMORY_DTYPES].join(', ')})`), { op: 'Cast' });
    }
    return { ins: [t ?? 'float32'], outs: [a.dtype] };
  },
  forward: (ctx, a, [x], [o]) => castStep(ctx.K, x.dtype, a.dtype, x.off, o.off, x.size),
  backward: {
    saves: [],
    lower: (ctx, a, g) => {
      if (g.req[0] === 'null') return () => {};
      const [go] = g.outGrads, [d] = g.inGrads;
      return castStep(ctx.K, a.dtype, d.dtype, go.off, d.off, go.size);
    },
  },
};

/**
 * amp_cast: MXNet's AMP cast, between the float types only (integer inputs pass through unchanged); float16 / float64
 * targets are refused (float32 is the one float dtype in memory). @example mx.nd.amp_cast(x, { dtype: 'float32' })
 */
export const ampCast: OpDef = {
  ...cast, name: 'amp_cast', aliases: [], doc: 'x converted to dtype if x is a float, else unchanged',
  inferType: (a, [t], node) => {
    if (t && t !== 'float32') return { ins: [t], outs: [t] };
    if (a.dtype !== 'float32') throw new DTypeError(opMessage(node, 'amp_cast', `dtype ${a.dtype} is not supported (float32 is the float dtype mxwasm holds)`), { op: 'amp_cast' });
    return { ins: ['float32'], outs: ['float32'] };
  },
  forward: (ctx, _a, [x], [o]) => castStep(ctx.K, x.dtype, o.dtype, x.off, o.off, x.size),
  backward: {
    saves: [],
    lower: (ctx, _a, g) => (g.req[0] === 'null' ? () => {} : castStep(ctx.K, g.outGrads[0].dtype, g.inGrads[0].dtype, g.outGrads[0].off, g.inGrads[0].off, g.outGrads[0].size)),
  },
};

/** The miscellaneous elementwise ops. @example mx.nd.clip(x, { a_min: 0, a_max: 6 }) */
export const MISC_OPS: OpDef[] = [clip, where, addN, identity, blockGrad, zerosLike, onesLike, cast, ampCast];
