// softmax / log_softmax / softmin (axis, temperature, use_length) and SoftmaxActivation (instance | channel).
import { DTypeError, ShapeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape, TensorRef } from '../registry.js';
import { fmtShape, sameShape } from '../../util/shape.js';
import { split3 } from './common.js';
import { axisOf, f32Types, kernelStep, seqOf } from '../helpers.js';

const specs = {
  axis: { type: 'int', default: -1 },
  temperature: { type: 'floatOrNone', default: null },
  dtype: { type: 'any', default: null },
  use_length: { type: 'bool', default: false },
} as const;

function makeSoftmax(name: string, log: boolean, neg: boolean, doc: string): OpDef {
  const scaleOf = (a: Attrs) => (neg ? -1 : 1) / (a.temperature ?? 1);
  const geom = (a: Attrs, s: Shape, node: string) => split3(s, axisOf(node, name, a.axis, s.length));
  return {
    name,
    doc,
    attrs: specs,
    inputs: (a) => (a.use_length ? ['data', 'length'] : ['data']),
    inferShape: (a, [d, len], _aux, node) => {
      if (!d) return { ins: [d, len], outs: [undefined] };
      const ax = axisOf(node, name, a.axis, d.length);
      if (!a.use_length) return { ins: [d], outs: [d] };
      const ls = d.filter((_, i) => i !== ax);
      if (len && !sameShape(len, ls)) throw new ShapeError(opMessage(node, name, `length must have shape ${fmtShape(ls)}, got ${fmtShape(len)}`), { op: name, arg: 'length' });
      return { ins: [d, ls], outs: [d] };
    },
    inferType: (a, ins, node) => {
      if (a.dtype !== null && a.dtype !== 'float32' && a.dtype !== 'None') throw new DTypeError(opMessage(node, name, `dtype ${a.dtype} is not supported (float32 only)`), { op: name });
      const lt = ins[1];
      if (lt !== undefined && lt !== 'int32' && lt !== 'float32') throw new DTypeError(opMessage(node, name, `length must be int32 or float32, got ${lt}`), { op: name, arg: 'length' });
      const r = f32Types(name)(a, ins.slice(0, 1), node);
      return a.use_length ? { ins: [r.ins[0], lt ?? 'int32'], outs: r.outs } : r;
    },
    forward: (ctx, a, [x, len], [y]) => {
      const [o, n, i] = geom(a, x.shape, ctx.node), sc = scaleOf(a), l = len ? len.off : 0, li = len?.dtype === 'int32' ? 1 : 0;
      return kernelStep(ctx.K, 'f32_softmax__simd128', { x: x.off, y: y.off, len: l, li, outer: o, n, inner: i, sc, lg: log ? 1 : 0 });
    },
    backward: {
      saves: ['outputs'],
      lower: (ctx, a, g) => {
        const [y] = g.outs, [dy] = g.outGrads, [dx, dl] = g.inGrads;
        const [o, n, i] = geom(a, y.shape, ctx.node), sc = scaleOf(a), l = g.ins[1] ? g.ins[1].off : 0, li = g.ins[1]?.dtype === 'int32' ? 1 : 0;
        const zeroLen = dl && g.req[1] !== 'null' ? dl : undefined;
        return seqOf(g.req[0] !== 'null' && kernelStep(ctx.K, 'f32_softmax_bwd__simd128', { y: y.off, dy: dy.off, dx: dx.off, len: l, li, outer: o, n, inner: i, sc, lg: log ? 1 : 0 }),
          zeroLen && kernelStep(ctx.K, 'x8_zero', { dst: zeroLen.off, n: zeroLen.size * 4 }));
      },
    },
    inplace: [[0, 0]],
  };
}

/** softmax(x / T) along `axis`. @example mx.nd.softmax(x, { axis: -1, temperature: 2 }) */
export const softmax = makeSoftmax('softmax', false, false, 'Softmax along an axis (numerically stable; temperature; use_length masks positions >= length).');
/** log(softmax(x / T)). @example mx.nd.log_softmax(x) */
export const logSoftmax = makeSoftmax('log_softmax', true, false, 'Log of softmax along an axis.');
/** softmax(-x / T). @example mx.nd.softmin(x) */
export const softmin = makeSoftmax('softmin', false, true, 'Softmax of the negated input along an axis.');

/** Lines of SoftmaxActivation: instance = over all non-batch dims, channel = over axis 1. */
const actGeom = (a: Attrs, s: Shape): [number, number, number] =>
  a.mode === 'channel' ? split3(s, 1) : [s[0], s.slice(1).reduce((p, d) => p * d, 1), 1];

/**
 * SoftmaxActivation (deprecated MXNet op): softmax per instance (flattened) or per channel (axis 1).
 * @example mx.nd.SoftmaxActivation(x, { mode: 'channel' })
 */
export const softmaxActivation: OpDef = {
  name: 'SoftmaxActivation',
  attrs: { mode: { type: 'str', default: 'instance', values: ['instance', 'channel'] } },
  inputs: () => ['data'],
  inferShape: (a, [d], _aux, node) => {
    if (d && d.length < (a.mode === 'channel' ? 2 : 1)) throw new ShapeError(opMessage(node, 'SoftmaxActivation', `channel mode needs data with at least 2 dimensions, got ${fmtShape(d)}`));
    return { ins: [d], outs: [d] };
  },
  inferType: f32Types('SoftmaxActivation'),
  forward: (ctx, a, [x], [y]) => {
    const [o, n, i] = actGeom(a, x.shape);
    return kernelStep(ctx.K, 'f32_softmax__simd128', { x: x.off, y: y.off, len: 0, li: 0, outer: o, n, inner: i, sc: 1, lg: 0 });
  },
  backward: {
    saves: ['outputs'],
    lower: (ctx, a, g) => {
      const [y] = g.outs, [dy] = g.outGrads, [dx] = g.inGrads, [o, n, i] = actGeom(a, y.shape);
      if (g.req[0] === 'null') return () => {};
      return kernelStep(ctx.K, 'f32_softmax_bwd__simd128', { y: y.off, dy: dy.off, dx: dx.off, len: 0, li: 0, outer: o, n, inner: i, sc: 1, lg: 0 });
    },
  },
  inplace: [[0, 0]],
};

export type { TensorRef };
