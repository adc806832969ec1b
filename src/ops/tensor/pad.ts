// Pad (pad): constant (fill + one strided copy), edge and reflect (one gather per padded axis
// through workspace, with index maps interned at lowering). Gradient: crop (constant) or, for
// edge/reflect, one scatter-add per padded axis (pads add into the rows they copied).
import type { Attrs } from '../attrs.js';
import type { KernelTable } from '../../runtime/manifest.js';
import { INDEX_MODE } from '../../runtime/manifest/tensor.js';
import type { OpDef, Shape } from '../registry.js';
import { prod, strides } from '../../util/shape.js';
import { descriptor, fail, planCopy } from './common.js';
import { f32Types, kernelStep, seq } from '../helpers.js';

function pads(a: Attrs, x: Shape, node?: string): [number, number][] {
  const pw: number[] = a.pad_width, nd = x.length;
  if (nd !== 4 && nd !== 5) fail(node, 'Pad', `only 4-d and 5-d inputs are supported, got ${nd}-d`);
  if (pw.length !== 2 * nd) fail(node, 'Pad', `pad_width must have ${2 * nd} entries (2 per axis), got ${pw.length}`);
  if (pw.slice(0, 4).some((v) => v !== 0)) fail(node, 'Pad', 'the first 4 entries of pad_width (batch and channel axes) must be 0');
  if (pw.some((v) => v < 0)) fail(node, 'Pad', 'pad_width entries must be >= 0');
  const p = x.map((_, i) => [pw[2 * i], pw[2 * i + 1]] as [number, number]);
  if (a.mode === 'reflect') p.forEach(([b, e], i) => { if (b >= x[i] || e >= x[i]) fail(node, 'Pad', `reflect padding (${b}, ${e}) must be smaller than axis ${i} of size ${x[i]}`); });
  if (a.mode === 'edge') p.forEach(([b, e], i) => { if ((b || e) && x[i] === 0) fail(node, 'Pad', `cannot edge-pad the empty axis ${i}`); });
  return p;
}

/** Source index (in the unpadded axis of length n) of each padded position, or -1 (constant). */
function srcMap(n: number, b: number, e: number, mode: string): number[] {
  return Array.from({ length: b + n + e }, (_, j) => {
    const k = j - b;
    if (k >= 0 && k < n) return k;
    if (mode === 'constant') return -1;
    if (mode === 'edge') return k < 0 ? 0 : n - 1;
    return k < 0 ? -k : 2 * (n - 1) - k;
  });
}
const floatBits = (v: number[]) => [...new Int32Array(new Float32Array(v).buffer)];

/** The per-axis steps of an edge/reflect pad: (outer, n, inner, padded length, index map offset). */
function axisSteps(x: Shape, p: [number, number][], mode: string) {
  const cur = [...x], steps: { outer: number; n: number; inner: number; m: number; idx: number; size: number }[] = [];
  p.forEach(([b, e], i) => {
    if (!b && !e) return;
    const n = cur[i];
    cur[i] = n + b + e;
    steps.push({ outer: prod(cur.slice(0, i)), n, inner: prod(cur.slice(i + 1)), m: n + b + e, idx: descriptor(floatBits(srcMap(n, b, e, mode))), size: prod(cur) });
  });
  return steps;
}

/** (from, to) of each step, fixed at lowering: ping-pong through two workspace halves, the last step writes `dst`. */
function chain(n: number, src: number, dst: number, ws: number, half: number): [number, number][] {
  const out: [number, number][] = [];
  let from = src;
  for (let i = 0; i < n; i++) { const to = i === n - 1 ? dst : ws + (i % 2) * half; out.push([from, to]); from = to; }
  return out;
}

const interior = (K: KernelTable, x: Shape, p: [number, number][], toPadded: boolean, node: string) => {
  const out = x.map((d, i) => d + p[i][0] + p[i][1]), so = strides(out), sx = strides(x);
  const base = p.reduce((t, [b], i) => t + b * so[i], 0) * 4;
  const c = toPadded ? planCopy(K, x, sx, so, node, 'Pad') : planCopy(K, x, so, sx, node, 'Pad');
  return toPadded ? (a: number, b: number) => c(a, b + base) : (a: number, b: number) => c(a + base, b);
};

export const PAD_OPS: OpDef[] = [{
  name: 'Pad', aliases: ['pad'],
  attrs: {
    mode: { type: 'str', required: true, values: ['constant', 'edge', 'reflect'] },
    pad_width: { type: 'shape', required: true }, constant_value: { type: 'float', default: 0 },
  },
  doc: 'Pads the spatial axes of a 4-d / 5-d input (constant, edge or reflect); pad_width has 2 entries per axis, the first 4 zero.',
  inputs: () => ['data'],
  inferShape: (a, [x], _aux, node) => {
    if (!x) return { ins: [x], outs: [undefined] };
    const p = pads(a, x, node);
    return { ins: [x], outs: [x.map((d, i) => d + p[i][0] + p[i][1])] };
  },
  inferType: f32Types('Pad'),
  workspace: (a, [x], [y]) => (a.mode === 'constant' ? 0 : 2 * prod(y) * 4),
  forward: (ctx, a, [x], [y]) => {
    const K = ctx.K, p = pads(a, x.shape, ctx.node), ws = ctx.workspace, half = y.size * 4;
    if (a.mode === 'constant') {
      const c = interior(K, x.shape, p, true, ctx.node), v = a.constant_value, n = y.size;
      const fill = kernelStep(K, 'x32_fill', { dst: y.off, v, n });
      return () => { fill(); c(x.off, y.off); };
    }
    const steps = axisSteps(x.shape, p, a.mode);
    if (!steps.length) { const b = x.size * 4; return kernelStep(K, 'x8_copy', { src: x.off, dst: y.off, n: b }); }
    const io = chain(steps.length, x.off, y.off, ws, half);
    return seq(steps.map((s, i) => kernelStep(K, 'x32_gather__simd128', { x: io[i][0], idx: s.idx, y: io[i][1], outer: s.outer, n: s.n, inner: s.inner, nidx: s.m, mode: INDEX_MODE.clip })));
  },
  backward: {
    saves: [],
    workspace: (a, _ins, [y]) => (a.mode === 'constant' ? 0 : 2 * prod(y) * 4),
    lower: (ctx, a, g) => {
      if (g.req[0] === 'null') return () => {};
      const K = ctx.K, [x] = g.ins, [og] = g.outGrads, [dx] = g.inGrads, p = pads(a, x.shape, ctx.node);
      if (a.mode === 'constant') { const c = interior(K, x.shape, p, false, ctx.node); return () => { c(og.off, dx.off); }; }
      const steps = axisSteps(x.shape, p, a.mode).reverse(), ws = ctx.workspace, half = og.size * 4;
      if (!steps.length) { const b = x.size * 4; return kernelStep(K, 'x8_copy', { src: og.off, dst: dx.off, n: b }); }
      // Going back, step s maps (outer, m, inner) to (outer, n, inner): the shape before step s.
      const io = chain(steps.length, og.off, dx.off, ws, half);
      return seq(steps.flatMap((s, i) => [kernelStep(K, 'x8_zero', { dst: io[i][1], n: s.outer * s.n * s.inner * 4 }),
        kernelStep(K, 'f32_scatteradd__simd128', { g: io[i][0], idx: s.idx, dx: io[i][1], outer: s.outer, n: s.n, inner: s.inner, nidx: s.m, mode: INDEX_MODE.raise })]));
    },
  },
}];
