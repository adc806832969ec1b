// Dropout: inverted dropout with a hidden mask output; randomness drawn inside the kernel from a seed taken
// per run (inside the step) from the lowering's seeded source: runs differ, executors replay exactly.
import { ArgumentError, opMessage } from '../../errors.js';
import type { OpDef } from '../registry.js';
import { prod } from '../../util/shape.js';
import { seedOf } from './common.js';
import { axisOf, f32Types, kernelStep, kernelWith, seq, seqOf } from '../helpers.js';
import { RAND_MODE } from '../../runtime/manifest/nn.js';

/**
 * Dropout: training (or mode 'always'): y = x * mask / (1 - p), mask ~ Bernoulli(1 - p), broadcast over
 * `axes` (variational dropout); otherwise identity. Backward: dx = dy * mask.
 * @example mx.nd.Dropout(x, { p: 0.2, isTrain: true })
 */
export const dropout: OpDef = {
  name: 'Dropout',
  attrs: {
    p: { type: 'float', default: 0.5 },
    mode: { type: 'str', default: 'training', values: ['training', 'always'] },
    axes: { type: 'shape', default: [] },
    cudnn_off: { type: 'bool', default: false },
  },
  inputs: () => ['data'],
  outputs: () => ['output', 'mask'],
  visibleOutputs: () => 1,
  inferShape: (a, [d], _aux, node) => {
    if (!(a.p >= 0 && a.p <= 1)) throw new ArgumentError(opMessage(node, 'Dropout', `p must be in [0, 1], got ${a.p}`), { op: 'Dropout', attr: 'p' });
    if (d) for (const ax of a.axes as number[]) axisOf(node, 'Dropout', ax, d.length);
    return { ins: [d], outs: [d, d] };
  },
  inferType: f32Types('Dropout', 2),
  forward: (ctx, a, [x], [y, m]) => {
    const K = ctx.K, n = x.size, p: number = a.p;
    if (!(ctx.isTrain || a.mode === 'always') || p === 0) {
      return seqOf(x.off !== y.off && kernelStep(K, 'x8_copy', { src: x.off, dst: y.off, n: n * 4 }), kernelStep(K, 'x32_fill', { dst: m.off, v: 1, n }));
    }
    const scale = p < 1 ? 1 / (1 - p) : 0, d = x.shape, random = ctx.random;
    const axes = [...new Set((a.axes as number[]).map((ax) => axisOf(ctx.node, 'Dropout', ax, d.length)))].sort((u, v) => v - u);
    const cur = d.map((s, k) => (axes.includes(k) ? 1 : s));
    const expands = axes.map((k) => { const e = [prod(cur.slice(0, k)), d[k], prod(cur.slice(k + 1))]; cur[k] = d[k]; return e; });
    const nr = prod(d.map((s, k) => (axes.includes(k) ? 1 : s)));
    // A fresh mask per call: the seed is drawn at run time.
    const fill = kernelWith(K, 'f32_rand_fill__simd128', { m: m.off, n: nr, mode: RAND_MODE.bernoulli, a: p, b: scale }, 'seed');
    const rest = seq([...expands.map(([o, r, i]) => kernelStep(K, 'x32_expand_inplace', { p: m.off, outer: o, rep: r, inner: i })),
      kernelStep(K, 'f32_mask_mul__simd128', { x: x.off, m: m.off, y: y.off, n })]);
    return () => { fill(seedOf(random)); rest(); };
  },
  backward: {
    saves: ['outputs'],
    lower: (ctx, _a, g) => {
      const [, m] = g.outs, [dy] = g.outGrads, [dx] = g.inGrads;
      if (g.req[0] === 'null') return () => {};
      return kernelStep(ctx.K, 'f32_mask_mul__simd128', { x: dy.off, m: m.off, y: dx.off, n: dx.size });
    },
  },
  inplace: [[0, 0]],
};
