// depth_to_space / space_to_depth (MXNet 1.x, NCHW, DCR order): a permuted copy of a 6-d view of the
// input (x32_copynd). Gradient: the inverse permutation of the same view.
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { fmtShape } from '../../util/shape.js';
import { fail, permuteCopy, anyType } from './common.js';
import { DTYPE_BYTES } from '../../runtime/dtype.js';

type Kind = 'depth_to_space' | 'space_to_depth';

/** The 6-d view, its permutation and the output shape. */
function plan(op: Kind, a: Attrs, x: Shape, node?: string): { view: number[]; perm: number[]; out: number[] } {
  const b: number = a.block_size;
  if (!(b >= 1)) fail(node, op, `block_size must be >= 1, got ${b}`);
  if (x.length !== 4) fail(node, op, `data must be 4-d (N, C, H, W), got ${fmtShape(x)}`);
  const [N, C, H, W] = x;
  if (op === 'depth_to_space') {
    if (C % (b * b)) fail(node, op, `channels ${C} must be a multiple of block_size^2 = ${b * b}`);
    return { view: [N, b, b, C / (b * b), H, W], perm: [0, 3, 4, 1, 5, 2], out: [N, C / (b * b), H * b, W * b] };
  }
  if (H % b || W % b) fail(node, op, `height ${H} and width ${W} must be multiples of block_size ${b}`);
  return { view: [N, C, H / b, b, W / b, b], perm: [0, 3, 5, 1, 2, 4], out: [N, C * b * b, H / b, W / b] };
}

function op(name: Kind, doc: string): OpDef {
  return {
    name, doc,
    attrs: { block_size: { type: 'int', required: true } },
    inputs: () => ['data'],
    inferShape: (a, [x], _aux, node) => (x ? { ins: [x], outs: [plan(name, a, x, node).out] } : { ins: [x], outs: [undefined] }),
    inferType: anyType(name),
    forward: (ctx, a, [x], [y]) => {
      const p = plan(name, a, x.shape, ctx.node), c = permuteCopy(ctx.K, p.view, p.perm, ctx.node, name, DTYPE_BYTES[x.dtype]);
      return () => { c(x.off, y.off); };
    },
    backward: {
      saves: [],
      lower: (ctx, a, g) => {
        if (g.req[0] === 'null') return () => {};
        const p = plan(name, a, g.ins[0].shape, ctx.node), inv: number[] = [];
        p.perm.forEach((v, i) => { inv[v] = i; });
        const c = permuteCopy(ctx.K, p.perm.map((i) => p.view[i]), inv, ctx.node, name), [dy] = g.outGrads, [dx] = g.inGrads;
        return () => { c(dy.off, dx.off); };
      },
    },
  };
}

/**
 * depth_to_space(x (N, C, H, W), block_size b) → (N, C/b², H*b, W*b): y[n, c, h*b+i, w*b+j] = x[n, (i*b+j)*C/b² + c, h, w].
 * space_to_depth is its inverse.
 * @example mx.nd.depth_to_space(x, { block_size: 2 })
 */
export const DEPTH_SPACE_OPS: OpDef[] = [
  op('depth_to_space', 'Rearranges blocks of depth into spatial blocks (DCR order).'),
  op('space_to_depth', 'Rearranges spatial blocks into depth (the inverse of depth_to_space).'),
];
