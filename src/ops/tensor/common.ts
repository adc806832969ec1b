// Lowering helpers shared by the tensor ops: error helpers, int32 descriptors, N-d strided copy
// plans (x32_copynd), and reduction plans (f32_r* kernels, permuting through workspace if needed).
import { DTypeError, ShapeError, opMessage } from '../../errors.js';
import { MEMORY_DTYPES, type DType } from '../../runtime/dtype.js';
import type { KernelTable } from '../../runtime/manifest.js';
import { rt } from '../../runtime/runtime.js';
import { i32 } from '../../runtime/view.js';
import { prod, strides } from '../../util/shape.js';
import type { Shape, TypeResult } from '../registry.js';
import { kernelWith } from '../helpers.js';
import { RGRAD_MODE, RSUM_MODE } from '../../runtime/manifest/tensor.js';

/** Throws a ShapeError naming the node and op. @example fail('t1', 'transpose', 'axes must be a permutation') */
export function fail(node: string | undefined, op: string, msg: string): never {
  throw new ShapeError(opMessage(node, op, msg), { op, node });
}

const descs = new WeakMap<object, Map<string, number>>();
/**
 * An int32 descriptor in wasm memory, interned per runtime: allocated once per distinct content
 * (lowering the same layout twice reuses it), never freed.
 * @example const d = descriptor([1, 1, 1, 1, 2, 3, 0, 0, 0, 0, 12, 4, 0, 0, 0, 0, 12, 4])
 */
export function descriptor(ints: number[]): number {
  const r = rt();
  let m = descs.get(r.memory);
  if (!m) descs.set(r.memory, (m = new Map()));
  const key = ints.join(',');
  let off = m.get(key);
  if (off === undefined) {
    off = r.alloc.alloc(ints.length * 4);
    i32(off, ints.length).set(ints);
    m.set(key, off);
  }
  return off;
}

/** A lowered copy: `(xBase, yBase)` byte offsets. */
export type CopyFn = (x: number, y: number) => void;

/**
 * Plans y[i . sy] = x[i . sx] over dims n (strides in elements of `es` bytes, 4 or 1; may be 0 or negative): drops 1-sized
 * dims, merges dims contiguous in both, and emits one x8_copy or one x32_copynd / x8_copynd call (past 6 merged
 * dims: one call per index of the leading ones, offsets fixed at lowering).
 * @example planCopy(K, [3, 2], [1, 3], [2, 1], node, 'transpose')(x.off, y.off)
 */
export function planCopy(K: KernelTable, n: number[], sx: number[], sy: number[], node: string | undefined, op: string, es = 4): CopyFn {
  if (n.some((d) => d === 0)) return () => {};
  const dims: [number, number, number][] = [];
  for (let d = 0; d < n.length; d++) {
    if (n[d] === 1) continue;
    const last = dims[dims.length - 1];
    if (last && last[1] === sx[d] * n[d] && last[2] === sy[d] * n[d]) dims[dims.length - 1] = [last[0] * n[d], sx[d], sy[d]];
    else dims.push([n[d], sx[d], sy[d]]);
  }
  if (dims.length === 0) return kernelWith(K, 'x8_copy', { n: es }, 'src', 'dst');
  if (dims.length === 1 && dims[0][1] === 1 && dims[0][2] === 1) return kernelWith(K, 'x8_copy', { n: dims[0][0] * es }, 'src', 'dst');
  while (dims.length < 6) dims.unshift([1, 0, 0]);
  // Beyond 6 merged dims, the leading ones become a list of base offsets fixed now (one call each).
  const lead = dims.splice(0, dims.length - 6);
  if (prod(lead.map((t) => t[0])) > 1 << 20) fail(node, op, `layout needs ${lead.length + 6} dimensions after merging; too many for 6-d copies`);
  let ox = [0], oy = [0];
  for (const [n0, a, b] of lead) {
    ox = ox.flatMap((o) => Array.from({ length: n0 }, (_, i) => o + i * a * es));
    oy = oy.flatMap((o) => Array.from({ length: n0 }, (_, i) => o + i * b * es));
  }
  const d = descriptor([...dims.map((t) => t[0]), ...dims.map((t) => t[1] * es), ...dims.map((t) => t[2] * es)]);
  const f = es === 1 ? kernelWith(K, 'x8_copynd__scalar', { d }, 'x', 'y') : kernelWith(K, 'x32_copynd__simd128', { d }, 'x', 'y');
  if (ox.length === 1) return f;
  return (x, y) => { for (let i = 0; i < ox.length; i++) f(x + ox[i], y + oy[i]); };
}

/** Copy of a permuted array: out.shape[i] = shape[axes[i]], both contiguous. @example permuteCopy(K, [2, 3], [1, 0], n, 'transpose') */
export function permuteCopy(K: KernelTable, shape: Shape, axes: number[], node: string | undefined, op: string, es = 4): CopyFn {
  const st = strides(shape), os = axes.map((a) => shape[a]);
  return planCopy(K, os, axes.map((a) => st[a]), strides(os), node, op, es);
}

export type ReduceKind = 'sum' | 'mean' | 'nansum' | 'norm1' | 'norm2' | 'max' | 'min' | 'prod' | 'nanprod' | 'argmax' | 'argmin';
const R = RGRAD_MODE;
const GRAD_MODE: Partial<Record<ReduceKind, number>> = { sum: R.scale, mean: R.scale, max: R.eq, min: R.eq, prod: R.prod, nanprod: R.nanprod, nansum: R.nansum, norm2: R.norm2, norm1: R.norm1 };

interface Groups { sizes: number[]; red: boolean[]; outer: number; r: number; inner: number; direct: boolean; size: number }

/** Merges an input shape and a reduce mask into alternating kept/reduced groups. */
function group(shape: Shape, mask: boolean[]): Groups {
  const sizes: number[] = [], red: boolean[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    if (red.length && red[red.length - 1] === mask[d]) sizes[sizes.length - 1] *= shape[d];
    else { sizes.push(shape[d]); red.push(mask[d]); }
  }
  const nRed = red.filter((x) => x).length;
  const size = prod(shape);
  const r = prod(sizes.filter((_, i) => red[i]));
  if (nRed <= 1) {
    const j = red.indexOf(true);
    const outer = j < 0 ? prod(sizes) : prod(sizes.slice(0, j)), inner = j < 0 ? 1 : prod(sizes.slice(j + 1));
    return { sizes, red, outer, r, inner, direct: true, size };
  }
  return { sizes, red, outer: size / Math.max(r, 1), r, inner: 1, direct: false, size };
}

/** Copy plans between the original layout and the (kept..., reduced...) layout of the groups. */
function perms(K: KernelTable, g: Groups, node: string | undefined, op: string): { fwd: CopyFn; back: CopyFn } {
  const order = [...g.sizes.keys()].filter((i) => !g.red[i]).concat([...g.sizes.keys()].filter((i) => g.red[i]));
  const st = strides(g.sizes), ps = order.map((i) => g.sizes[i]), pst = strides(ps);
  const inv: number[] = []; order.forEach((i, j) => { inv[i] = pst[j]; });
  return { fwd: planCopy(K, ps, order.map((i) => st[i]), pst, node, op), back: planCopy(K, g.sizes, inv, st, node, op) };
}

/** A lowered reduction: bytes of workspace it needs, and `run(x, y, ws)`. */
export interface ReducePlan { ws: number; run: (x: number, y: number, ws: number) => void }

interface Pass { outer: number; r: number; inner: number }
/** One kernel pass per reduced group, last group first (each pass shrinks the data). */
function passes(g: Groups): Pass[] {
  const cur = [...g.sizes], red = [...g.red], out: Pass[] = [];
  for (let j = cur.length - 1; j >= 0; j--) {
    if (!red[j]) continue;
    out.push({ outer: prod(cur.slice(0, j)), r: cur[j], inner: prod(cur.slice(j + 1)) });
    cur.splice(j, 1); red.splice(j, 1);
  }
  return out.length ? out : [{ outer: g.outer, r: 1, inner: 1 }];
}
const al64 = (b: number) => Math.ceil(b / 64) * 64;
/** Workspace layout of the passes: column scratch, then two ping-pong buffers for intermediate results. */
function passLayout(ps: Pass[]) {
  const col = al64(Math.max(0, ...ps.map((p) => (p.inner > 1 ? p.inner * 4 : 0))));
  const a = ps.length > 1 ? al64(ps[0].outer * ps[0].inner * 4) : 0, b = ps.length > 2 ? al64(ps[1].outer * ps[1].inner * 4) : 0;
  return { col, a, total: col + a + b };
}

/**
 * Plans a reduction of `shape` over the axes where `mask` is true: one kernel pass per group of
 * adjacent reduced axes (after dropping 1-sized dims), last group first, intermediates in workspace.
 * Multi-pass is exact for sum/max/min/prod, mean (scale 1/r per pass), nansum, L1 and L2 norms.
 * @example planReduce(K, [2, 3, 4], [false, true, false], 'sum', node, 'sum').run(x.off, y.off, ws)
 */
export function planReduce(K: KernelTable, shape: Shape, mask: boolean[], kind: ReduceKind, _node: string | undefined, _op: string): ReducePlan {
  const g = group(shape, mask);
  if (prod(g.sizes.filter((_, i) => !g.red[i])) === 0) return { ws: 0, run: () => {} }; // empty output
  const ps = passes(g), L = passLayout(ps);
  const calls = ps.map(({ outer, r, inner }): ((x: number, y: number, ws: number) => void) => {
    switch (kind) {
      case 'sum': case 'mean': case 'nansum': case 'norm1': case 'norm2': {
        const mode = kind === 'nansum' ? RSUM_MODE.nansum : kind === 'norm1' ? RSUM_MODE.abs : kind === 'norm2' ? RSUM_MODE.norm2 : RSUM_MODE.sum;
        const scale = kind === 'mean' ? 1 / r : 1;
        return kernelWith(K, 'f32_rsum__simd128_u16', { outer, r, inner, scale, mode }, 'x', 'y', 'ws');
      }
      case 'max': return kernelWith(K, 'f32_rmax__simd128_u16', { outer, r, inner }, 'x', 'y');
      case 'min': return kernelWith(K, 'f32_rmin__simd128_u16', { outer, r, inner }, 'x', 'y');
      case 'prod': case 'nanprod': return kernelWith(K, 'f32_rprod__simd128_u16', { outer, r, inner, nan: kind === 'nanprod' ? 1 : 0 }, 'x', 'y');
      default: return kernelWith(K, 'f32_rargmax__simd128', { outer, r, inner, isMin: kind === 'argmin' ? 1 : 0 }, 'x', 'y', 'ws');
    }
  });
  if (calls.length === 1) { const c = calls[0]; return { ws: L.total, run: c }; }
  const last = calls.length - 1;
  return {
    ws: L.total,
    run: (x, y, ws) => {
      let from = x;
      for (let i = 0; i <= last; i++) {
        const to = i === last ? y : ws + L.col + (i % 2 ? L.a : 0);
        calls[i](from, to, ws);
        from = to;
      }
    },
  };
}

/**
 * Plans the backward of a reduction: dx = f(x, y, g) broadcast over the reduced axes (see
 * f32_rgrad__simd128 for f); `run(x, y, g, dx, ws)`.
 * @example planReduceGrad(K, [2, 3], [false, true], 'mean', node, 'mean').run(x, y, g, dx, ws)
 */
export function planReduceGrad(K: KernelTable, shape: Shape, mask: boolean[], kind: ReduceKind, node: string | undefined, op: string): { ws: number;
  run: (x: number, y: number, g: number, dx: number, ws: number) => void } {
  const g = group(shape, mask);
  const { outer, r, inner } = g;
  if (g.size === 0) return { ws: 0, run: () => {} };
  const mode = GRAD_MODE[kind]!, scale = kind === 'mean' ? 1 / r : 1;
  const rgrad = kernelWith(K, 'f32_rgrad__simd128', { outer, r, inner, scale, mode }, 'x', 'y', 'g', 'dx');
  if (g.direct) return { ws: 0, run: (x, y, gg, dx) => { rgrad(mode === R.scale ? gg : x, y, gg, dx); } };
  if (mode === R.scale) {
    // sum / mean: a broadcasting copy of g (stride 0 over the reduced groups), then the mean's scale in place.
    const ks = strides(g.sizes.filter((_, i) => !g.red[i])), sx: number[] = [];
    let k = 0;
    g.sizes.forEach((_, i) => { sx.push(g.red[i] ? 0 : ks[k++]); });
    const c = planCopy(K, g.sizes, sx, strides(g.sizes), node, op);
    if (kind !== 'mean') return { ws: 0, run: (_x, _y, gg, dx) => { c(gg, dx); } };
    const scaled = kernelWith(K, 'f32_rgrad__simd128', { outer: 1, r: 1, inner: g.size, scale: 1 / r, mode: R.scale }, 'x', 'y', 'g', 'dx');
    return { ws: 0, run: (_x, _y, gg, dx) => { c(gg, dx); scaled(dx, dx, dx, dx); } };
  }
  const p = perms(K, g, node, op), b = g.size * 4;
  return {
    ws: 2 * b,
    run: (x, y, gg, dx, ws) => {
      if (mode !== 0) p.fwd(x, ws);
      rgrad(mode === 0 ? gg : ws, y, gg, ws + b);
      p.back(ws + b, dx);
    },
  };
}

/** Workspace bytes of planReduce (with `grad`: of planReduceGrad for that kind) without lowering. @example reduceWorkspace([2, 3, 4], [true, false, true]) */
export function reduceWorkspace(shape: Shape, mask: boolean[], grad?: ReduceKind): number {
  const g = group(shape, mask);
  if (grad) return g.direct || GRAD_MODE[grad] === R.scale ? 0 : 2 * g.size * 4;
  return passLayout(passes(g)).total;
}

/**
 * inferType of the byte-copy layout ops (transpose, Concat, stack, SliceChannel, slice, broadcast_to, depth_to_space):
 * every memory dtype passes through. @example inferType: anyType('Concat')
 */
export const anyType = (op: string, nOut = 1) => (_a: unknown, ins: (DType | undefined)[], node: string): TypeResult => {
  const t = ins.find((x) => x) ?? 'float32';
  if (!MEMORY_DTYPES.has(t)) throw new DTypeError(opMessage(node, op, `dtype ${t} cannot live in memory`), { op, node });
  return { ins: ins.map(() => t), outs: Array.from({ length: nOut }, () => t) };
};
