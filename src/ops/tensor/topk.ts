// topk (MXNet 1.x): the k largest (or smallest, is_ascend) values along an axis, their indices (float32) or a
// 0/1 mask, via f32_topk__scalar (stable merge sort; ties keep the lower index). With ret_typ 'value' the
// indices are a hidden second output that backward reads: the gradient scatters dy to the chosen positions.
// 'indices' and 'mask' have a zero gradient (MXNet's).
import { ArgumentError, DTypeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { fmtShape, prod } from '../../util/shape.js';
import { kernelStep } from '../helpers.js';

/** The (outer, n, inner) view of the axis (None: the flattened array), k and the value/index shape. */
function geom(a: Attrs, x: Shape, node?: string): { outer: number; n: number; inner: number; k: number; out: Shape } {
  const bad = (msg: string, attr: string) => new ArgumentError(opMessage(node, 'topk', msg), { op: 'topk', attr });
  if (a.axis === null) {
    const n = prod(x), k = a.k < 1 ? n : a.k;
    if (k > n) throw bad(`k ${a.k} is larger than the ${n} elements`, 'k');
    return { outer: 1, n, inner: 1, k, out: [k] };
  }
  const ax = a.axis < 0 ? a.axis + x.length : a.axis;
  if (!(ax >= 0 && ax < x.length)) throw bad(`axis ${a.axis} is out of range for data ${fmtShape(x)}`, 'axis');
  const n = x[ax], k = a.k < 1 ? n : a.k;
  if (k > n) throw bad(`k ${a.k} is larger than axis ${a.axis}'s size ${n}`, 'k');
  const out = [...x];
  out[ax] = k;
  return { outer: prod(x.slice(0, ax)), n, inner: prod(x.slice(ax + 1)), k, out };
}

const withIdx = (a: Attrs) => a.ret_typ === 'value' || a.ret_typ === 'both';

/**
 * topk(data, { axis = -1, k = 1, ret_typ = 'indices' | 'value' | 'both' | 'mask', is_ascend = false }).
 * @example mx.nd.topk(x, { k: 2, ret_typ: 'value' }) // the two largest along the last axis, largest first
 */
export const topkOp: OpDef = {
  name: 'topk',
  attrs: {
    axis: { type: 'intOrNone', default: -1 }, k: { type: 'int', default: 1 },
    ret_typ: { type: 'str', default: 'indices', values: ['value', 'indices', 'mask', 'both'] },
    is_ascend: { type: 'bool', default: false }, dtype: { type: 'dtype', default: 'float32' },
  },
  doc: 'The top k elements along an axis: values, indices, both, or a mask.',
  inputs: () => ['data'],
  outputs: (a) => (withIdx(a) ? ['output', 'indices'] : ['output']),
  visibleOutputs: (a) => (a.ret_typ === 'both' ? 2 : 1),
  inferShape: (a, [x], _aux, node) => {
    if (!x) return { ins: [x], outs: withIdx(a) ? [undefined, undefined] : [undefined] };
    const g = geom(a, x, node);
    return { ins: [x], outs: a.ret_typ === 'mask' ? [x] : withIdx(a) ? [g.out, g.out] : [g.out] };
  },
  inferType: (a, [t], node) => {
    if (t && t !== 'float32') throw new DTypeError(opMessage(node, 'topk', `data must be float32, got ${t}`), { op: 'topk', arg: 'data' });
    if (a.dtype !== 'float32') throw new DTypeError(opMessage(node, 'topk', `dtype ${a.dtype} is not supported (indices are float32)`), { op: 'topk', attr: 'dtype' });
    return { ins: ['float32'], outs: withIdx(a) ? ['float32', 'float32'] : ['float32'] };
  },
  workspace: (a, [x]) => 8 * geom(a, x).n,
  forward: (ctx, a, [x], outs) => {
    const { outer, n, inner, k } = geom(a, x.shape, ctx.node), asc = a.is_ascend ? 1 : 0, ws = ctx.workspace;
    const [val, idx, mask] = a.ret_typ === 'mask' ? [0, 0, outs[0].off] : a.ret_typ === 'indices' ? [0, outs[0].off, 0] : [outs[0].off, outs[1].off, 0];
    return kernelStep(ctx.K, 'f32_topk__scalar', { x: x.off, outer, n, inner, k, asc, ws, val, idx, mask });
  },
  backward: {
    saves: ['outputs'],
    lower: (ctx, a, g) => {
      if (g.req[0] === 'null') return () => {};
      const [dx] = g.inGrads, K = ctx.K;
      if (!withIdx(a)) return kernelStep(K, 'x8_zero', { dst: dx.off, n: dx.size * 4 });
      const { outer, n, inner, k } = geom(a, g.ins[0].shape, ctx.node), dy = g.outGrads[0].off, idx = g.outs[1].off;
      return kernelStep(K, 'f32_topk_grad__scalar', { dy, idx, outer, n, inner, k, dx: dx.off });
    },
  },
};
