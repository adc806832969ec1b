// FullyConnected: y = x W^T + b (weight (num_hidden, in)); hidden `__act__` = 'relu' | 'sigmoid' | 'tanh' fuses it.
import { ShapeError, opMessage } from '../../errors.js';
import { fmtShape, prod, sameShape } from '../../util/shape.js';
import type { OpDef, Shape, Step } from '../registry.js';
import type { Attrs } from '../attrs.js';
import { fusedActBackward, fusedActCode, gemmKernel, run } from './gemm.js';
import { BIAS, gemmArgs } from '../../runtime/manifest/linalg.js';
import { f32Types, gradOff, kernelStep, seq } from '../helpers.js';

const OP = 'FullyConnected';

/**
 * Rows, input width and output shape of FullyConnected: `flatten` = True folds all axes after the
 * first into the input width; False applies the layer to the last axis only.
 * @example fcGeom({ num_hidden: 10, flatten: true }, [4, 3, 5], 'fc1') // { rows: 4, inW: 15, out: [4, 10] }
 */
export function fcGeom(a: Attrs, data: Shape, node: string): { rows: number; inW: number; H: number; out: Shape } {
  const H: number = a.num_hidden;
  if (!(H > 0)) throw new ShapeError(opMessage(node, OP, `num_hidden must be positive, got ${H}`), { op: OP, attr: 'num_hidden' });
  if (!data.length) throw new ShapeError(opMessage(node, OP, 'data must have at least one dimension'), { op: OP, arg: 'data' });
  if (a.flatten) return { rows: data[0], inW: prod(data.slice(1)), H, out: [data[0], H] };
  return { rows: prod(data.slice(0, -1)), inW: data[data.length - 1], H, out: [...data.slice(0, -1), H] };
}


/**
 * FullyConnected(data, weight, bias; num_hidden, no_bias = False, flatten = True).
 * @example mx.nd.FullyConnected(x, w, b, { num_hidden: 10 })
 */
export const fullyConnected: OpDef = {
  name: OP,
  attrs: {
    num_hidden: { type: 'int', required: true },
    no_bias: { type: 'bool', default: false },
    flatten: { type: 'bool', default: true },
  },
  inputs: (a) => (a.no_bias ? ['data', 'weight'] : ['data', 'weight', 'bias']),
  inferShape: (a, ins, _aux, node, known) => {
    let data = ins[0];
    // MXNet's backward inference of a partial data shape (a `_zeros((0, H))` begin state): rows from the output.
    const part = known?.partial[0], o = known?.outs[0];
    if (!data && part && o && part[0] === 0 && part.slice(1).every((d) => d > 0) && (a.flatten || part.length === 2)) data = [o[0], ...part.slice(1)];
    if (!data) return { ins, outs: [undefined] };
    const g = fcGeom(a, data, node);
    const w = [g.H, g.inW];
    if (ins[1] && !sameShape(ins[1], w)) {
      throw new ShapeError(opMessage(node, OP, `shape inconsistent for 'weight': provided ${fmtShape(ins[1])}, expected ${fmtShape(w)} from data ${fmtShape(data)}`), { op: OP, arg: 'weight' });
    }
    return { ins: a.no_bias ? [data, w] : [data, w, [g.H]], outs: [g.out] };
  },
  inferType: f32Types(OP),
  forward: (ctx, a, ins, [y]) => {
    const { rows, inW, H } = fcGeom(a, ins[0].shape, ctx.node);
    // y = act(x W^T + b): (rows x inW) by (H x inW)^T, bias per column.
    return run(gemmKernel(ctx.K), [gemmArgs({
      transB: 1, M: rows, N: H, K: inW, A: ins[0].off, lda: inW, B: ins[1].off, ldb: inW, C: y.off, ldc: H,
      bias: a.no_bias ? 0 : ins[2].off, biasMode: a.no_bias ? BIAS.none : BIAS.perColumn, act: fusedActCode(ctx.node, OP, a), scratch: ctx.scratch,
    })]);
  },
  backward: {
    saves: ['inputs', 'outputs'],
    workspace: (a, ins) => (fusedActCode(OP, OP, a) ? fcGeom(a, ins[0], OP).rows * a.num_hidden * 4 : 0),
    lower: (ctx, a, gr) => {
      const { ins, outs, outGrads } = gr;
      const { rows, inW, H } = fcGeom(a, ins[0].shape, ctx.node);
      const K = ctx.K, scratch = ctx.scratch, x = ins[0].off, w = ins[1].off;
      const steps: Step[] = [];
      let dy = outGrads[0].off;
      const act = fusedActCode(ctx.node, OP, a);
      if (act) {
        // The activation was fused: y is its output, so the pre-activation gradient is dy * act'(y).
        steps.push(fusedActBackward(K, act, outs[0].off, dy, ctx.workspace, rows * H));
        dy = ctx.workspace;
      }
      const g = dy;
      const dx = gradOff(gr, 0), dw = gradOff(gr, 1), db = a.no_bias ? 0 : gradOff(gr, 2);
      // dx = dy W (rows x H by H x inW); dW = dy^T x (H x rows by rows x inW); db = column sums of dy.
      if (dx) steps.push(run(gemmKernel(K), [gemmArgs({ M: rows, N: inW, K: H, A: g, lda: H, B: w, ldb: inW, C: dx, ldc: inW, scratch })]));
      if (dw) steps.push(run(gemmKernel(K), [gemmArgs({ transA: 1, M: H, N: inW, K: rows, A: g, lda: H, B: x, ldb: inW, C: dw, ldc: inW, scratch })]));
      if (db) steps.push(kernelStep(K, 'f32_colsum__simd128', { X: g, M: rows, N: H, ldx: H, y: db }));
      return seq(steps);
    },
  },
  doc: 'Fully connected layer: y = x W^T + b with weight (num_hidden, in); flatten folds trailing axes; a fused relu / sigmoid / tanh via __act__.',
};
