// transpose (axes; default reverses) and SwapAxis (alias swapaxes): permuted copies through
// x32_copynd (4x4 SIMD transposes where the two inner axes swap). Gradient: the inverse permutation.
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { anyType, fail, permuteCopy } from './common.js';
import { DTYPE_BYTES } from '../../runtime/dtype.js';
import { axisOf } from '../helpers.js';

/** The permutation a transpose / SwapAxis applies, validated. @example permOf('transpose', { axes: [] }, [2, 3]) // [1, 0] */
function permOf(op: string, a: Attrs, shape: Shape, node?: string): number[] {
  const nd = shape.length;
  if (op === 'SwapAxis') {
    const p = [...Array(nd).keys()];
    if (nd === 0) return p;
    const i = axisOf(node, op, a.dim1, nd, 'dim1'), j = axisOf(node, op, a.dim2, nd, 'dim2');
    [p[i], p[j]] = [p[j], p[i]];
    return p;
  }
  const axes: number[] = a.axes ?? [];
  if (axes.length === 0) return [...Array(nd).keys()].reverse();
  if (axes.length !== nd) fail(node, op, `axes ${JSON.stringify(axes)} must have one entry per input dimension (${nd})`);
  const p = axes.map((v) => axisOf(node, op, v, nd));
  if (new Set(p).size !== nd) fail(node, op, `axes ${JSON.stringify(axes)} is not a permutation`);
  return p;
}

function permOp(name: 'transpose' | 'SwapAxis', aliases: string[], attrs: OpDef['attrs'], doc: string): OpDef {
  return {
    name, aliases, attrs, doc,
    inputs: () => ['data'],
    inferShape: (a, [x], _aux, node) => (x ? { ins: [x], outs: [permOf(name, a, x, node).map((i) => x[i])] } : { ins: [undefined], outs: [undefined] }),
    inferType: anyType(name),
    forward: (ctx, a, [x], [y]) => {
      const c = permuteCopy(ctx.K, x.shape, permOf(name, a, x.shape, ctx.node), ctx.node, name, DTYPE_BYTES[x.dtype]);
      return () => { c(x.off, y.off); };
    },
    backward: {
      saves: [],
      lower: (ctx, a, g) => {
        if (g.req[0] === 'null') return () => {};
        const p = permOf(name, a, g.ins[0].shape, ctx.node), inv: number[] = [];
        p.forEach((v, i) => { inv[v] = i; });
        const [og] = g.outGrads, [dx] = g.inGrads;
        const c = permuteCopy(ctx.K, g.outs[0].shape, inv, ctx.node, name);
        return () => { c(og.off, dx.off); };
      },
    },
  };
}

export const TRANSPOSE_OPS: OpDef[] = [
  permOp('transpose', [], { axes: { type: 'shape', default: [] } }, 'Permutes the axes (default: reverses them).'),
  permOp('SwapAxis', ['swapaxes'], { dim1: { type: 'int', default: 0 }, dim2: { type: 'int', default: 0 } }, 'Swaps two axes.'),
];
