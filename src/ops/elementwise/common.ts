// Shared helpers of the elementwise op family: same-shape inference, zero backward,
// broadcast plans (dims collapsed to at most 6 for f32_vbcast__simd128 / f32_vbcast_sum__simd128).
import { ShapeError, opMessage } from '../../errors.js';
import type { KernelTable } from '../../runtime/manifest.js';
import type { BackwardArgs, Shape, Step } from '../registry.js';
import { fmtShape, prod, sameShape } from '../../util/shape.js';
import type { UNARY_PARAMS, VC_PARAMS, VV_PARAMS } from '../../runtime/manifest/elementwise.js';
import { type KernelsOf, kernelStep, seq } from '../helpers.js';

/**
 * inferShape for ops whose inputs and output all share one shape; fills unknown inputs from known ones.
 * @example inferShape: sameShapes('elemwise_mul')
 */
export function sameShapes(op: string) {
  return (_a: unknown, ins: (Shape | undefined)[], _aux: unknown, node: string) => {
    const known = ins.find((s) => s !== undefined);
    ins.forEach((s, i) => {
      if (s && known && !sameShape(s, known)) {
        throw new ShapeError(opMessage(node, op, `shapes ${fmtShape(known)} and ${fmtShape(s)} of inputs 0 and ${i} differ`), { op, arg: i });
      }
    });
    return { ins: ins.map(() => known), outs: [known] };
  };
}

/** Backward that writes zeros to every requested input gradient (comparisons, rounding, BlockGrad). @example backward: zeroBackward */
export const zeroBackward = {
  saves: [] as ('inputs' | 'outputs')[],
  lower: (ctx: { K: KernelTable }, _a: unknown, g: BackwardArgs): Step => {
    const K = ctx.K, zs = g.inGrads.filter((_, i) => g.req[i] !== 'null').map((z) => [z.off, z.size * 4]);
    return seq(zs.map(([o, b]) => kernelStep(K, 'x8_zero', { dst: o, n: b })));
  },
};

/**
 * Binary op codes of f32_vbcast__simd128 and the vector-vector kernel for each (null: swap inputs
 * of the given kernel, or use the broadcast kernel).
 */
export const OP = { add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, hypot: 6, eq: 7, ne: 8, gt: 9, ge: 10, lt: 11, le: 12, pow: 13, mod: 14, first: 15 } as const;
export type OpName = keyof typeof OP;
const VV: Partial<Record<OpName, [KernelsOf<typeof VV_PARAMS>, boolean]>> = {
  add: ['f32_vadd__simd128_u8', false], sub: ['f32_vsub__simd128', false], mul: ['f32_vmul__simd128_u8', false],
  div: ['f32_vdiv__simd128', false], max: ['f32_vmax__simd128', false], min: ['f32_vmin__simd128', false],
  hypot: ['f32_vhypot__simd128', false], pow: ['f32_vpow__simd128', false], eq: ['f32_veq__simd128', false],
  ne: ['f32_vne__simd128', false], gt: ['f32_vgt__simd128', false], ge: ['f32_vge__simd128', false],
  lt: ['f32_vgt__simd128', true], le: ['f32_vge__simd128', true],
};

/** A broadcast plan: the output's dims collapsed to 6 (leading 1s) and one mask per input (bit d: size 1 on dim d). */
export interface BPlan { n: number[]; masks: number[]; size: number }

/**
 * Plans a NumPy broadcast of `ins` to `out`: drops size-1 output dims, merges neighbouring dims
 * broadcast the same way, pads to 6 dims. Throws ShapeError naming the op beyond 6 merged dims.
 * @example bplan([2, 4, 3], [[2, 1, 3], [1, 4, 1]]) -> { n: [1, 1, 1, 2, 4, 3], masks: [16, 40], size: 24 }
 */
export function bplan(out: Shape, ins: Shape[], op = 'broadcast', node?: string): BPlan {
  const al = ins.map((s) => [...Array(out.length - s.length).fill(1), ...s]);
  const groups: { n: number; key: number }[] = [];
  out.forEach((d, i) => {
    if (d === 1) return;
    const key = al.reduce((k, s, j) => k | (s[i] === 1 ? 1 << j : 0), 0);
    const last = groups[groups.length - 1];
    if (last && last.key === key) last.n *= d; else groups.push({ n: d, key });
  });
  if (groups.length > 6) throw new ShapeError(opMessage(node, op, `broadcast of ${fmtShape(out)} needs ${groups.length} > 6 collapsed dims`), { op });
  while (groups.length < 6) groups.unshift({ n: 1, key: 0 });
  const masks = ins.map((_, j) => groups.reduce((m, g, d) => m | ((g.key >> j) & 1 ? 1 << d : 0), 0));
  return { n: groups.map((g) => g.n), masks, size: prod(out) };
}

/** An operand of a lowered binary step: a byte offset and its broadcast mask under the plan. */
export interface Opnd { off: number; mask: number }

/**
 * z = a op b under plan p (z has the output's shape). Identical shapes call the vector kernel.
 * @example binStep(K, p, 'mul', { off: g, mask: 0 }, { off: r, mask: p.masks[1] }, t)
 */
export function binStep(K: KernelTable, p: BPlan, op: OpName, a: Opnd, b: Opnd, z: number): Step {
  const vv = VV[op], n = p.size;
  if (a.mask === 0 && b.mask === 0 && vv) {
    const [x, y] = vv[1] ? [b.off, a.off] : [a.off, b.off];
    return kernelStep(K, vv[0], { x, y, z, n });
  }
  if (a.mask === 0 && op === 'first') return kernelStep(K, 'x8_copy', { src: a.off, dst: z, n: n * 4 });
  const code = OP[op], [n0, n1, n2, n3, n4, n5] = p.n, ma = a.mask, mb = b.mask, x = a.off, y = b.off;
  return kernelStep(K, 'f32_vbcast__simd128', { op: code, x, y, z, n0, n1, n2, n3, n4, n5, mx: ma, my: mb });
}

/**
 * dst (the input's shape) = g (the output's shape) summed over the dims set in `mask`; a copy when none.
 * @example sumStep(K, p, go.off, p.masks[1], dr.off, dr.size)
 */
export function sumStep(K: KernelTable, p: BPlan, g: number, mask: number, dst: number, dstSize: number): Step {
  if (mask === 0) return g === dst ? () => {} : kernelStep(K, 'x8_copy', { src: g, dst, n: dstSize * 4 });
  const [n0, n1, n2, n3, n4, n5] = p.n;
  return kernelStep(K, 'f32_vbcast_sum__simd128', { g, d: dst, n0, n1, n2, n3, n4, n5, m: mask });
}

/** One kernel call z = f(x) over n elements. @example un(K, 'f32_vexp__simd128', x.off, y.off, x.size) */
export const un = (K: KernelTable, name: KernelsOf<typeof UNARY_PARAMS>, x: number, z: number, n: number): Step => kernelStep(K, name, { x, z, n });
/** One kernel call z = f(x, s) over n elements (vector-scalar ABI: x, z, s, n). @example sc(K, 'f32_vmulc__simd128', x, z, 2, n) */
export const sc = (K: KernelTable, name: KernelsOf<typeof VC_PARAMS>, x: number, z: number, s: number, n: number): Step => kernelStep(K, name, { x, z, s, n });
/** One kernel call z = f(x, y) over n elements. @example vv(K, 'f32_vdiv__simd128', g, x, d, n) */
export const vv = (K: KernelTable, name: KernelsOf<typeof VV_PARAMS>, x: number, y: number, z: number, n: number): Step => kernelStep(K, name, { x, y, z, n });
