// Binary elementwise ops in MXNet's two flavours: elemwise_* / _power / _maximum / ... (shapes must
// match) and broadcast_* (NumPy broadcasting). One recipe per op gives the gradient of each input
// in the output's shape; broadcast inputs then sum it over their broadcast dims.
import { ShapeError, opMessage } from '../../errors.js';
import type { BackwardArgs, LowerCtx, OpDef, Shape, Step } from '../registry.js';
import { broadcastShapes } from '../../util/shape.js';
import { bplan, binStep, sameShapes, sumStep, un, zeroBackward, type BPlan, type OpName, type Opnd } from './common.js';
import { f32Types, type KernelsOf, kernelStep, seq } from '../helpers.js';
import type { UNARY_PARAMS } from '../../runtime/manifest/elementwise.js';

/** Emits steps writing d(out)/d(input k) * g, in the output's shape, to T. */
type Recipe = (e: Emit, k: 0 | 1) => void;
interface Emit {
  L: Opnd; R: Opnd; G: Opnd; O: Opnd; T: Opnd;
  bin(op: OpName, a: Opnd, b: Opnd): void;
  /** T = f(T) for a unary kernel. */
  un(kernel: KernelsOf<typeof UNARY_PARAMS>): void;
  /** T = T * s. */
  scale(s: number): void;
  /** T = T + s. */
  shift(s: number): void;
}

const mulG = (e: Emit) => e.bin('mul', e.T, e.G);
const RECIPES: Record<string, { saves: ('inputs' | 'outputs')[]; grad: Recipe } | null> = {
  // add / sub: lowerGrad sums g straight into the input gradients (no T); these recipes say the same.
  add: { saves: [], grad: (e) => e.bin('first', e.G, e.G) },
  sub: { saves: [], grad: (e, k) => { e.bin('first', e.G, e.G); if (k) e.scale(-1); } },
  mul: { saves: ['inputs'], grad: (e, k) => e.bin('mul', e.G, k ? e.L : e.R) },
  div: {
    saves: ['inputs'],
    grad: (e, k) => { e.bin('div', e.G, e.R); if (k) { e.bin('mul', e.T, e.L); e.bin('div', e.T, e.R); e.scale(-1); } },
  },
  mod: { saves: ['inputs'], grad: (e, k) => { if (!k) { e.bin('first', e.G, e.G); return; } e.bin('div', e.L, e.R); e.un('f32_vfloor__simd128'); mulG(e); e.scale(-1); } },
  max: { saves: ['inputs'], grad: (e, k) => { e.bin(k ? 'lt' : 'ge', e.L, e.R); mulG(e); } },
  min: { saves: ['inputs'], grad: (e, k) => { e.bin(k ? 'gt' : 'le', e.L, e.R); mulG(e); } },
  hypot: { saves: ['inputs', 'outputs'], grad: (e, k) => { e.bin('div', k ? e.R : e.L, e.O); mulG(e); } },
  pow: {
    saves: ['inputs', 'outputs'],
    grad: (e, k) => {
      if (k) { e.bin('first', e.L, e.L); e.un('f32_vlog__simd128'); e.bin('mul', e.T, e.O); mulG(e); return; }
      e.bin('first', e.R, e.R); e.shift(-1); e.bin('pow', e.L, e.T); e.bin('mul', e.T, e.R); mulG(e);
    },
  },
  eq: null, ne: null, gt: null, ge: null, lt: null, le: null,
};

function lowerGrad(ctx: LowerCtx, op: string, p: BPlan, g: BackwardArgs): Step {
  const K = ctx.K, recipe = RECIPES[op]!, steps: Step[] = [];
  const [l, r] = g.ins, [o] = g.outs, [go] = g.outGrads;
  g.inGrads.forEach((dst, k) => {
    if (g.req[k] === 'null') return;
    const mask = p.masks[k], n = p.size;
    // add/sub straight from g: sum over the broadcast dims (or copy), then negate for sub's rhs.
    if (op === 'add' || op === 'sub') {
      steps.push(sumStep(K, p, go.off, mask, dst.off, dst.size));
      if (op === 'sub' && k === 1) steps.push(kernelStep(K, 'f32_vmulc__simd128', { x: dst.off, z: dst.off, s: -1, n: dst.size }));
      return;
    }
    const T = { off: mask ? ctx.workspace : dst.off, mask: 0 };
    const e: Emit = {
      L: { off: l.off, mask: p.masks[0] }, R: { off: r.off, mask: p.masks[1] }, G: { off: go.off, mask: 0 }, O: { off: o.off, mask: 0 }, T,
      bin: (bop, a, b) => steps.push(binStep(K, p, bop, a, b, T.off)),
      un: (kernel) => steps.push(un(K, kernel, T.off, T.off, n)),
      shift: (s) => steps.push(kernelStep(K, 'f32_vaddc__simd128', { x: T.off, z: T.off, s, n })),
      scale: (s) => steps.push(kernelStep(K, 'f32_vmulc__simd128', { x: T.off, z: T.off, s, n })),
    };
    recipe.grad(e, k as 0 | 1);
    if (mask) steps.push(sumStep(K, p, T.off, mask, dst.off, dst.size));
  });
  return seq(steps);
}

interface Spec { op: OpName; ew: string; ewAliases: string[]; bc: string; bcAliases: string[]; doc: string }
const SPECS: Spec[] = [
  { op: 'add', ew: 'elemwise_add', ewAliases: ['_plus', '_add', '_Plus'], bc: 'broadcast_add', bcAliases: ['broadcast_plus'], doc: 'lhs + rhs' },
  { op: 'sub', ew: 'elemwise_sub', ewAliases: ['_minus', '_sub', '_Minus'], bc: 'broadcast_sub', bcAliases: ['broadcast_minus'], doc: 'lhs - rhs' },
  { op: 'mul', ew: 'elemwise_mul', ewAliases: ['_mul', '_Mul'], bc: 'broadcast_mul', bcAliases: [], doc: 'lhs * rhs' },
  { op: 'div', ew: 'elemwise_div', ewAliases: ['_div', '_Div'], bc: 'broadcast_div', bcAliases: [], doc: 'lhs / rhs' },
  { op: 'mod', ew: '_mod', ewAliases: ['_Mod'], bc: 'broadcast_mod', bcAliases: [], doc: 'lhs mod rhs (sign of rhs; 0 where rhs == 0)' },
  { op: 'pow', ew: '_power', ewAliases: ['_Power'], bc: 'broadcast_power', bcAliases: [], doc: 'lhs ** rhs' },
  { op: 'max', ew: '_maximum', ewAliases: ['_Maximum'], bc: 'broadcast_maximum', bcAliases: [], doc: 'max(lhs, rhs); ties give lhs the gradient' },
  { op: 'min', ew: '_minimum', ewAliases: ['_Minimum'], bc: 'broadcast_minimum', bcAliases: [], doc: 'min(lhs, rhs); ties give lhs the gradient' },
  { op: 'hypot', ew: '_hypot', ewAliases: ['_Hypot'], bc: 'broadcast_hypot', bcAliases: [], doc: 'sqrt(lhs^2 + rhs^2)' },
  { op: 'eq', ew: '_equal', ewAliases: ['_Equal'], bc: 'broadcast_equal', bcAliases: [], doc: 'lhs == rhs ? 1 : 0 (zero gradient)' },
  { op: 'ne', ew: '_not_equal', ewAliases: ['_Not_Equal'], bc: 'broadcast_not_equal', bcAliases: [], doc: 'lhs != rhs ? 1 : 0 (zero gradient)' },
  { op: 'gt', ew: '_greater', ewAliases: ['_Greater'], bc: 'broadcast_greater', bcAliases: [], doc: 'lhs > rhs ? 1 : 0 (zero gradient)' },
  { op: 'ge', ew: '_greater_equal', ewAliases: ['_Greater_Equal'], bc: 'broadcast_greater_equal', bcAliases: [], doc: 'lhs >= rhs ? 1 : 0 (zero gradient)' },
  { op: 'lt', ew: '_lesser', ewAliases: ['_Lesser'], bc: 'broadcast_lesser', bcAliases: [], doc: 'lhs < rhs ? 1 : 0 (zero gradient)' },
  { op: 'le', ew: '_lesser_equal', ewAliases: ['_Lesser_Equal'], bc: 'broadcast_lesser_equal', bcAliases: [], doc: 'lhs <= rhs ? 1 : 0 (zero gradient)' },
];

function broadcastShape(op: string) {
  return (_a: unknown, [l, r]: (Shape | undefined)[], _aux: unknown, node: string) => {
    if (!l || !r) return { ins: [l, r], outs: [undefined] };
    try { return { ins: [l, r], outs: [broadcastShapes(l, r, op)] }; } catch (e) {
      throw new ShapeError(opMessage(node, op, (e as Error).message.replace(`${op}: `, '')), { op });
    }
  };
}

/**
 * Builds the same-shape (`broadcast` false) or the broadcasting op for one spec.
 * @example makeBinary(SPECS[0], true).name === 'broadcast_add'
 */
function makeBinary(s: Spec, broadcast: boolean): OpDef {
  const name = broadcast ? s.bc : s.ew, recipe = RECIPES[s.op];
  const plan = (out: Shape, l: Shape, r: Shape, node?: string) => bplan(out, [l, r], name, node);
  return {
    name, aliases: broadcast ? s.bcAliases : s.ewAliases, attrs: {}, doc: s.doc,
    inputs: () => ['lhs', 'rhs'],
    inferShape: broadcast ? broadcastShape(name) : sameShapes(name),
    inferType: f32Types(name),
    forward: (ctx, _a, [l, r], [o]) => {
      const p = plan(o.shape, l.shape, r.shape, ctx.node);
      return binStep(ctx.K, p, s.op, { off: l.off, mask: p.masks[0] }, { off: r.off, mask: p.masks[1] }, o.off);
    },
    backward: recipe ? {
      saves: recipe.saves,
      workspace: (_a, [l, r], [o]) => {
        const p = plan(o, l, r);
        return s.op !== 'add' && s.op !== 'sub' && (p.masks[0] || p.masks[1]) ? p.size * 4 : 0;
      },
      lower: (ctx, _a, g) => lowerGrad(ctx, s.op, plan(g.outs[0].shape, g.ins[0].shape, g.ins[1].shape, ctx.node), g),
    } : zeroBackward,
    // Same-shape ops only: a broadcast output may be larger than either input.
    inplace: broadcast ? undefined : [[0, 0], [1, 0]],
  };
}

/** elemwise_* / _power / ... and broadcast_* ops. @example mx.nd.broadcast_add(a, b) */
export const BINARY_OPS: OpDef[] = [...SPECS.map((s) => makeBinary(s, false)), ...SPECS.map((s) => makeBinary(s, true))];
