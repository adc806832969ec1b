// _npx_nonzero (MXNet's numpy extension, npx.nonzero): the coordinates of the non-zero elements in row-major
// order, one row [N, ndim] per element. MXNet gives int64; here float32 (indices up to 2^24 are exact), the index
// dtype every mxwasm index op reads. The row count depends on the values (OpDef.dynamic); no gradient (MXNet's).
import { ArgumentError, opMessage } from '../../errors.js';
import type { OpDef } from '../registry.js';
import { view, f32 } from '../../runtime/view.js';
import { prod } from '../../util/shape.js';

const OP = '_npx_nonzero';

/**
 * nonzero(x): [N, ndim] coordinates of x's non-zero elements (NaN counts as non-zero).
 * @example mx.nd.npx.nonzero(mx.nd.array([[0, 2], [3, 0]])) // [[0, 1], [1, 0]]
 */
export const nonzeroOp: OpDef = {
  name: OP,
  aliases: ['_npi_nonzero'],
  attrs: {},
  doc: 'Coordinates [N, ndim] of the non-zero elements (N depends on the values).',
  inputs: () => ['x'],
  inferShape: (_a, [x]) => ({ ins: [x], outs: [x ? [prod(x), x.length] : undefined] }),
  inferType: (_a, [t]) => ({ ins: [t ?? 'float32'], outs: ['float32'] }),
  forward: (ctx) => { throw new ArgumentError(opMessage(ctx.node, OP, 'has a data-dependent shape: run it through its dynamic step')); },
  dynamic: (_ctx, _a, [x]) => {
    const v = view(x.dtype, x.off, x.size), hits: number[] = [];
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) hits.push(i);
    const r = x.shape.length;
    return {
      shapes: [[hits.length, r]],
      write: ([y]) => {
        const out = f32(y.off, y.size);
        hits.forEach((flat, j) => {
          for (let d = r - 1; d >= 0; d--) { out[j * r + d] = flat % x.shape[d]; flat = Math.floor(flat / x.shape[d]); }
        });
      },
    };
  },
};
