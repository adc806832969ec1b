// Higher-order gradients (MXNet's autograd.grad(create_graph=True)): the backward walk itself is recorded, so its
// results are in the graph and can be differentiated again. A declared backward (OpDef.backward.lower) is a kernel
// lowering, not recordable ops; what is recorded instead is each op's gradient written as imperative ops, for the ops
// listed in GRAD_OPS below (MXNet likewise supports second order only for ops whose FGradient is made of
// differentiable ops). autograd.Function nodes run their user backward (NDArray ops) recorded. Any other op on the
// path raises an MxError naming it. Fan-out is summed with a recorded elemwise_add.
import { ArgumentError } from '../errors.js';
import { invoke } from '../ndarray/invoke.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { Attrs } from '../ops/attrs.js';
import { MORE_GRAD_OPS, reduceTo, type GradFn } from './grad-ops.js';
import { plan, release, setEntry, state, type Entry, type TapeNode, type VarInfo } from './tape.js';

type A = NDArray;
const op = (name: string, ins: A[], attrs: Record<string, unknown> = {}): A => invoke(name, ins, attrs)[0];
const mul = (a: A, b: A) => op('elemwise_mul', [a, b]);
const scal = (name: string, a: A, scalar: number) => op(name, [a], { scalar });
const neg = (a: A) => op('negative', [a]);

/** Axes reduced by sum/mean with MXNet's axis / exclude attributes. */
function reducedAxes(a: Attrs, ndim: number): Set<number> {
  const ax = a.axis === null || a.axis === undefined ? [...Array(ndim).keys()] : (Array.isArray(a.axis) ? a.axis : [a.axis]).map((v: number) => (v < 0 ? v + ndim : v));
  return new Set(a.exclude ? [...Array(ndim).keys()].filter((i) => !ax.includes(i)) : ax);
}


function actGrad(act: string, x: A, y: A, g: A): A {
  switch (act) {
    case 'relu': return mul(g, scal('_greater_scalar', x, 0));
    case 'sigmoid': return mul(g, mul(y, scal('_rminus_scalar', y, 1)));
    case 'tanh': return mul(g, scal('_rminus_scalar', op('square', [y]), 1));
    case 'softrelu': return mul(g, op('sigmoid', [x]));
    case 'softsign': return op('elemwise_div', [g, op('square', [scal('_plus_scalar', op('abs', [x]), 1)])]);
    default: throw new ArgumentError(`autograd.grad(createGraph): activation '${act}' has no recordable backward (relu, sigmoid, tanh, softrelu, softsign)`);
  }
}

const binary = (bcast: boolean, f: (a: A, b: A, y: A, g: A) => [A, A]): GradFn => ({ x, y, g }) => {
  const [ga, gb] = f(x[0], x[1], y[0], g);
  return bcast ? [reduceTo(ga, x[0].shape), reduceTo(gb, x[1].shape)] : [ga, gb];
};
const add = (_a: A, _b: A, _y: A, g: A): [A, A] => [g, g];
const sub = (_a: A, _b: A, _y: A, g: A): [A, A] => [g, neg(g)];
const bmul = (bc: boolean) => (a: A, b: A, _y: A, g: A): [A, A] => (bc ? [op('broadcast_mul', [g, b]), op('broadcast_mul', [g, a])] : [mul(g, b), mul(g, a)]);
const bdiv = (bc: boolean) => (_a: A, b: A, y: A, g: A): [A, A] => {
  const ga = op(bc ? 'broadcast_div' : 'elemwise_div', [g, b]);
  return [ga, neg(op(bc ? 'broadcast_div' : 'elemwise_div', [mul(g, y), op('broadcast_like', [b, y])]))];
};

/** The gradient of each op, written as recordable ops: g is the output gradient, x the inputs, y the outputs. */
const BASE_GRAD_OPS: Record<string, GradFn> = {
  exp: ({ y, g }) => [mul(g, y[0])],
  log: ({ x, g }) => [op('elemwise_div', [g, x[0]])],
  sin: ({ x, g }) => [mul(g, op('cos', [x[0]]))],
  cos: ({ x, g }) => [neg(mul(g, op('sin', [x[0]])))],
  tanh: ({ x, y, g }) => [actGrad('tanh', x[0], y[0], g)],
  sigmoid: ({ x, y, g }) => [actGrad('sigmoid', x[0], y[0], g)],
  relu: ({ x, y, g }) => [actGrad('relu', x[0], y[0], g)],
  Activation: ({ x, y, g, a }) => [actGrad(a.act_type, x[0], y[0], g)],
  square: ({ x, g }) => [scal('_mul_scalar', mul(g, x[0]), 2)],
  sqrt: ({ y, g }) => [op('elemwise_div', [scal('_mul_scalar', g, 0.5), y[0]])],
  reciprocal: ({ y, g }) => [neg(mul(g, op('square', [y[0]])))],
  negative: ({ g }) => [neg(g)],
  identity: ({ g }) => [g],
  elemwise_add: binary(false, add), elemwise_sub: binary(false, sub), elemwise_mul: binary(false, bmul(false)), elemwise_div: binary(false, bdiv(false)),
  broadcast_add: binary(true, add), broadcast_sub: binary(true, sub), broadcast_mul: binary(true, bmul(true)), broadcast_div: binary(true, bdiv(true)),
  _plus_scalar: ({ g }) => [g],
  _minus_scalar: ({ g }) => [g],
  _rminus_scalar: ({ g }) => [neg(g)],
  _mul_scalar: ({ g, a }) => [scal('_mul_scalar', g, a.scalar)],
  _div_scalar: ({ g, a }) => [scal('_div_scalar', g, a.scalar)],
  _rdiv_scalar: ({ x, y, g }) => [neg(op('elemwise_div', [mul(g, y[0]), x[0]]))],
  _power_scalar: ({ x, g, a }) => [mul(g, scal('_mul_scalar', scal('_power_scalar', x[0], a.scalar - 1), a.scalar))],
  sum: ({ x, g, a }) => [sumBack(x[0], g, a, 1)],
  mean: ({ x, y, g, a }) => [sumBack(x[0], g, a, y[0].size / Math.max(1, x[0].size))],
  Reshape: ({ x, g }) => [op('Reshape', [g], { shape: x[0].shape })],
  FullyConnected: ({ x, y, g, a }) => {
    const gy = a.__act__ ? actGrad(a.__act__, y[0], y[0], g) : g; // fused act: act'(·) from the output (relu, sigmoid, tanh)
    const x2 = op('Reshape', [x[0]], { shape: a.flatten ? [x[0].shape[0], -1] : [-1, x[0].shape[x[0].shape.length - 1]] });
    const g2 = op('Reshape', [gy], { shape: [-1, a.num_hidden] });
    const dx = op('Reshape', [op('dot', [g2, x[1]])], { shape: x[0].shape });
    const dw = op('dot', [g2, x2], { transpose_a: true });
    return a.no_bias ? [dx, dw] : [dx, dw, op('sum', [g2], { axis: 0 })];
  },
  dot: ({ x, g, a }) => {
    if (a.transpose_a || a.transpose_b || x[0].ndim !== 2 || x[1].ndim !== 2) throw new ArgumentError('autograd.grad(createGraph): dot is recordable for 2-D inputs without transposes only');
    return [op('dot', [g, x[1]], { transpose_b: true }), op('dot', [x[0], g], { transpose_a: true })];
  },
};

/** Every op with a recordable gradient: the table above and grad-ops.ts's. */
export const GRAD_OPS: Record<string, GradFn> = { ...BASE_GRAD_OPS, ...MORE_GRAD_OPS };

function sumBack(x: A, g: A, a: Attrs, scale: number): A {
  const ax = reducedAxes(a, x.ndim);
  const kept = op('Reshape', [g], { shape: x.shape.map((d, i) => (ax.has(i) ? 1 : d)) });
  const b = op('broadcast_to', [kept], { shape: x.shape });
  return scale === 1 ? b : scal('_mul_scalar', b, scale);
}

/** Ops whose gradient is recordable (createGraph). @example recordableGradOps().includes('tanh') */
export function recordableGradOps(): string[] { return Object.keys(GRAD_OPS); }

/**
 * The backward walk of `heads`, recorded: gradients of every reached variable as arrays in the graph.
 * @example const g = runBackwardRecorded([y], [undefined], true);
 */
export function runBackwardRecorded(heads: A[], headGrads: (A | undefined)[], retainGraph: boolean): Map<VarInfo, A> {
  const { headEntries, order, needs, entryNeeds } = plan(heads);
  for (const n of order) {
    if (needs.has(n) && !n.ndBackward && !GRAD_OPS[n.def.name]) {
      throw new ArgumentError(`autograd.grad(createGraph): op '${n.def.name}' (node ${n.name}) has no recordable backward; `
        + `second order works through: ${recordableGradOps().join(', ')} and autograd.Function`);
    }
  }
  const views: A[] = [];
  const viewOf = (n: TapeNode, k: number, e: Entry | undefined): A => {
    const r = k < n.ins.length ? n.ins[k] : n.outs[k - n.ins.length];
    const st = n.held[k < n.ins.length ? k : k + n.aux.length];
    const v = new NDArray(st, r.off, [...r.shape], r.dtype);
    if (e) setEntry(v, e);
    views.push(v);
    return v;
  };
  const grads = new Map<TapeNode, (A | undefined)[]>(), varGrads = new Map<VarInfo, A>();
  const sum = (cur: A | undefined, g: A) => (cur ? op('elemwise_add', [cur, g]) : g);
  const push = (e: Entry, g: A) => {
    if (e.v) { varGrads.set(e.v, sum(varGrads.get(e.v), g)); return; }
    const l = grads.get(e.node!) ?? [];
    grads.set(e.node!, l);
    l[e.index!] = sum(l[e.index!], g);
  };
  const was = state.recording;
  state.recording = true;
  try {
    headEntries.forEach((e, k) => {
      if (!entryNeeds(e)) return;
      const h = heads[k], hg = headGrads[k];
      if (hg && hg.size !== h.size) throw new ArgumentError(`autograd.grad: head gradient ${k} has shape (${hg.shape.join(',')}), head has (${h.shape.join(',')})`);
      push(e, hg ?? op('ones_like', [h]));
    });
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i];
      const og = grads.get(n);
      if (!needs.has(n) || !og?.some(Boolean)) continue;
      const outs = n.outs.map((_, k) => viewOf(n, n.ins.length + k, { node: n, index: k }));
      const gs = outs.map((o, k) => og[k] ?? op('zeros_like', [o]));
      const ins = n.ins.map((_, k) => viewOf(n, k, n.inEntries[k]));
      const got = n.ndBackward ? n.ndBackward(gs) : GRAD_OPS[n.def.name]({ x: ins, y: outs, g: gs[0], a: n.attrs, train: n.isTrain });
      n.inEntries.forEach((e, k) => { const g = got[k]; if (g && entryNeeds(e)) push(e!, g); });
    }
  } finally {
    state.recording = was;
    for (const v of views) v.dispose();
    if (!retainGraph) for (const n of order) release(n);
  }
  return varGrads;
}
