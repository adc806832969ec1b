// Embedding: rows of weight (input_dim, output_dim) picked by float indices, clipped to [0, input_dim-1].
import { ShapeError, opMessage } from '../../errors.js';
import type { OpDef } from '../registry.js';
import { fmtShape } from '../../util/shape.js';
import { f32Types, kernelCall, kernelStep, seqOf } from '../helpers.js';
import type { KernelTable } from '../../runtime/manifest.js';
import { rowSet, setRowSet } from '../../runtime/row-sparse.js';
import { view } from '../../runtime/view.js';

/**
 * sparse_grad's backward (MXNet's row_sparse weight gradient, dense storage): zeroes only the rows the last
 * backward wrote into this buffer (the whole buffer the first time, or when nothing recorded them), scatter-adds
 * this batch's rows, and records them for the next backward and for the optimizers' lazy update. O(rows * D).
 */
function sparseBackward(K: KernelTable, a: { output_dim: number; input_dim: number }, x: { off: number; size: number }, dy: number, dw: number) {
  const D = a.output_dim, V = a.input_dim, rb = D * 4, bytes = V * rb;
  let fresh = true;
  return () => {
    const prev = fresh ? undefined : rowSet(dw, bytes);
    if (prev) for (const r of prev) kernelCall(K, 'x8_zero', { dst: dw + r * rb, n: rb }); else kernelCall(K, 'x8_zero', { dst: dw, n: bytes });
    fresh = false;
    const idx = view('float32', x.off, x.size), mark = new Uint8Array(V);
    let n = 0;
    for (let i = 0; i < x.size; i++) {
      const f = idx[i], r = !(f > 0) ? 0 : f >= V - 1 ? V - 1 : Math.trunc(f); // the forward's clipping
      if (!mark[r]) { mark[r] = 1; n++; }
      kernelCall(K, 'f32_addrows__simd128', { a: dw + r * rb, lda: D, b: dy + i * rb, ldb: D, y: dw + r * rb, ldy: D, N: 1, H: D });
    }
    const rows = new Int32Array(n);
    for (let r = 0, k = 0; k < n; r++) if (mark[r]) rows[k++] = r;
    setRowSet(dw, bytes, rows);
  };
}

/**
 * Embedding: out shape data.shape + (output_dim,); backward scatter-adds into the weight gradient (with
 * sparse_grad into the touched rows only, see sparseBackward); data gets a zero gradient.
 * @example mx.nd.Embedding(idx, w, { input_dim: 100, output_dim: 16 })
 */
export const embedding: OpDef = {
  name: 'Embedding',
  attrs: {
    input_dim: { type: 'int', required: true },
    output_dim: { type: 'int', required: true },
    dtype: { type: 'dtype', default: 'float32' },
    sparse_grad: { type: 'bool', default: false },
  },
  inputs: () => ['data', 'weight'],
  inferShape: (a, [d, w], _aux, node) => {
    const ws = [a.input_dim, a.output_dim];
    if (w && (w.length !== 2 || w[0] !== ws[0] || w[1] !== ws[1])) {
      throw new ShapeError(opMessage(node, 'Embedding', `weight must have shape ${fmtShape(ws)}, got ${fmtShape(w)}`), { op: 'Embedding', arg: 'weight' });
    }
    return { ins: [d, ws], outs: [d ? [...d, a.output_dim] : undefined] };
  },
  inferType: f32Types('Embedding'),
  forward: (ctx, a, [x, w], [y]) => {
    
    return kernelStep(ctx.K, 'f32_embedding__simd128', { idx: x.off, w: w.off, y: y.off, n: x.size, D: a.output_dim, V: a.input_dim });
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, a, g) => {
      const K = ctx.K, [x] = g.ins, [dy] = g.outGrads, [dd, dw] = g.inGrads;
      const wd = g.req[0] !== 'null', ww = g.req[1] !== 'null';
      if (a.sparse_grad && g.req[1] === 'write' && g.own?.[1] !== false) {
        const sp = sparseBackward(K, a as never, x, dy.off, dw.off);
        return seqOf(wd && kernelStep(K, 'x8_zero', { dst: dd.off, n: dd.size * 4 }), sp);
      }
      return seqOf(wd && kernelStep(K, 'x8_zero', { dst: dd.off, n: dd.size * 4 }),
        ww && kernelStep(K, 'f32_embedding_bwd__simd128', { idx: x.off, dy: dy.off, dw: dw.off, n: x.size, D: a.output_dim, V: a.input_dim }));
    },
  },
};
