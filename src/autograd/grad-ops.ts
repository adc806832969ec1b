// More gradients written as recordable ops (autograd.grad createGraph), beside higher.ts's first table: the rest of
// the elementwise family (unary, scalar, binary with broadcasting), LeakyReLU's types, softmax / log_softmax / softmin,
// reductions (max, min, prod, norm), shape ops (transpose, SwapAxis, Flatten, expand_dims, squeeze, Concat, stack,
// SliceChannel, slice_axis, slice, broadcast_*), pick / take / Embedding (as one_hot products), dot with transposes
// and batch_dot, clip / where / add_n, Dropout (its mask output), stop-gradient ops. Each formula is the derivative
// the op's declared backward computes (same tie rules: max/min give lhs the gradient on ties, clip passes at the
// bounds); the tests compare both to 1e-5 and the second order to finite differences.
import { ArgumentError } from '../errors.js';
import { invoke } from '../ndarray/invoke.js';
import type { NDArray } from '../ndarray/ndarray.js';
import type { Attrs } from '../ops/attrs.js';

type A = NDArray;
/** What a gradient formula sees: inputs x, outputs y, output gradients g (g[0] the visible one), attributes a. */
export interface G { x: A[]; y: A[]; g: A; a: Attrs; train: boolean }
export type GradFn = (c: G) => (A | undefined)[];

const op = (name: string, ins: A[], attrs: Record<string, unknown> = {}): A => invoke(name, ins, attrs)[0];
const mul = (a: A, b: A) => op('elemwise_mul', [a, b]);
const div = (a: A, b: A) => op('elemwise_div', [a, b]);
const add = (a: A, b: A) => op('elemwise_add', [a, b]);
const sc = (name: string, a: A, scalar: number) => op(name, [a], { scalar });
const zeros = (a: A) => op('zeros_like', [a]);
/** 1 where `name`(x, scalar) holds, else 0 (comparison ops have no gradient themselves). */
const cmp = (name: string, x: A, s: number) => sc(name, x, s);

/** Sums a broadcast gradient back to `shape` (axes the input had as 1 or lacked). */
export function reduceTo(g: A, shape: number[]): A {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const pad = g.shape.length - shape.length;
  const axes: number[] = [];
  g.shape.forEach((d, i) => { const s = i < pad ? 1 : shape[i - pad]; if (s === 1 && d !== 1) axes.push(i); });
  const s = axes.length ? op('sum', [g], { axis: axes, keepdims: true }) : g;
  return op('Reshape', [s], { shape });
}
const norm = (ax: number, nd: number) => (ax < 0 ? ax + nd : ax);
const reduceAxes = (a: Attrs, nd: number): Set<number> => {
  const ax = a.axis === null || a.axis === undefined || (Array.isArray(a.axis) && !a.axis.length) ? [...Array(nd).keys()] : (Array.isArray(a.axis) ? a.axis : [a.axis]).map((v: number) => norm(v, nd));
  return new Set(a.exclude ? [...Array(nd).keys()].filter((i) => !ax.includes(i)) : ax);
};
/** y (or g) of a reduction, reshaped with the reduced axes kept as 1 and broadcast to x's shape. */
const expand = (v: A, x: A, a: Attrs) => {
  const ax = reduceAxes(a, x.ndim);
  return op('broadcast_to', [op('Reshape', [v], { shape: x.shape.map((d, i) => (ax.has(i) ? 1 : d)) })], { shape: x.shape });
};

const bin = (f: (a: A, b: A, y: A, g: A) => [A, A]): GradFn => ({ x, y, g }) => { const [ga, gb] = f(x[0], x[1], y[0], g); return [reduceTo(ga, x[0].shape), reduceTo(gb, x[1].shape)]; };
const bop = (name: string, a: A, b: A) => op(`broadcast_${name}`, [a, b]);
const powG = (a: A, b: A, y: A, g: A): [A, A] => [bop('mul', g, bop('mul', b, bop('power', a, sc('_minus_scalar', b, 1)))), bop('mul', g, bop('mul', y, op('broadcast_like', [op('log', [a]), y])))];
const maxG = (a: A, b: A, _y: A, g: A): [A, A] => [bop('mul', g, bop('greater_equal', a, b)), bop('mul', g, bop('lesser', a, b))];
const minG = (a: A, b: A, _y: A, g: A): [A, A] => [bop('mul', g, bop('lesser_equal', a, b)), bop('mul', g, bop('greater', a, b))];
const hypG = (a: A, b: A, y: A, g: A): [A, A] => [bop('mul', g, bop('div', a, y)), bop('mul', g, bop('div', b, y))];
const modG = (a: A, b: A, _y: A, g: A): [A, A] => [g, op('negative', [bop('mul', g, op('floor', [bop('div', a, b)]))])];

/** d act(x) / dx for LeakyReLU's types (x the input, y the output). */
function leakyGrad(t: string, slope: number, x: A, y: A): A {
  const pos = cmp('_greater_scalar', x, 0), neg = cmp('_lesser_equal_scalar', x, 0);
  switch (t) {
    case 'leaky': return add(pos, sc('_mul_scalar', neg, slope));
    case 'elu': return add(pos, mul(neg, sc('_plus_scalar', y, slope)));
    case 'selu': { const l = 1.0507009873554805, al = 1.6732632423543772 * l; return add(sc('_mul_scalar', pos, l), mul(neg, sc('_plus_scalar', y, al))); }
    case 'gelu': { // Φ(x) + x φ(x)
      const cdf = sc('_mul_scalar', sc('_plus_scalar', op('erf', [sc('_mul_scalar', x, Math.SQRT1_2)]), 1), 0.5);
      return add(cdf, mul(x, sc('_mul_scalar', op('exp', [sc('_mul_scalar', op('square', [x]), -0.5)]), 1 / Math.sqrt(2 * Math.PI))));
    }
    default: throw new ArgumentError(`autograd.grad(createGraph): LeakyReLU act_type '${t}' has no recordable backward (leaky, elu, selu, gelu, prelu)`);
  }
}

/** Gradient of softmax-family outputs along an axis: softmax y*(g - sum(g*y)), log_softmax g - exp(y)*sum(g). */
function softmaxGrad(log: boolean, neg: boolean, { y, g, a }: G): A {
  const axis = a.axis ?? -1, s = (neg ? -1 : 1) / (a.temperature ?? 1);
  if (a.use_length) throw new ArgumentError('autograd.grad(createGraph): softmax with use_length has no recordable backward');
  const sum = (v: A) => op('sum', [v], { axis, keepdims: true });
  const d = log ? op('broadcast_sub', [g, op('broadcast_mul', [op('exp', [y[0]]), sum(g)])]) : mul(y[0], op('broadcast_sub', [g, sum(mul(g, y[0]))]));
  return s === 1 ? d : sc('_mul_scalar', d, s);
}

/** one_hot(idx) as (n, depth) rows for the gradient of a gather along axis 0: dot(onehot^T, g). */
function gatherBack(idx: A, g: A, depth: number, rowShape: number[]): A {
  const oh = op('one_hot', [op('Reshape', [idx], { shape: [-1] })], { depth });
  const width = rowShape.reduce((p, d) => p * d, 1);
  return op('Reshape', [op('dot', [oh, op('Reshape', [g], { shape: [-1, width] })], { transpose_a: true })], { shape: [depth, ...rowShape] });
}

/** The zero-padded gradient of a slice along one axis. */
function padAxis(g: A, full: number[], axis: number, begin: number): A {
  const parts: A[] = [];
  const z = (n: number) => op('_zeros', [], { shape: full.map((d, i) => (i === axis ? n : g.shape[i])) });
  if (begin > 0) parts.push(z(begin));
  parts.push(g);
  const after = full[axis] - begin - g.shape[axis];
  if (after > 0) parts.push(z(after));
  return parts.length === 1 ? g : op('Concat', parts, { num_args: parts.length, dim: axis });
}
const startOf = (b: number | null | undefined, d: number) => (b === null || b === undefined ? 0 : b < 0 ? Math.max(0, b + d) : Math.min(b, d));

const zeroGrad: GradFn = ({ x }) => x.map(zeros);
const stop: GradFn = () => [];

export const MORE_GRAD_OPS: Record<string, GradFn> = {
  abs: ({ x, g }) => [mul(g, op('sign', [x[0]]))],
  sign: zeroGrad, floor: zeroGrad, ceil: zeroGrad, round: zeroGrad, rint: zeroGrad, fix: zeroGrad,
  BlockGrad: stop, zeros_like: stop, ones_like: stop,
  Cast: ({ g }) => [g],
  rsqrt: ({ y, g }) => [mul(g, sc('_mul_scalar', mul(op('square', [y[0]]), y[0]), -0.5))],
  log1p: ({ x, g }) => [div(g, sc('_plus_scalar', x[0], 1))],
  expm1: ({ y, g }) => [mul(g, sc('_plus_scalar', y[0], 1))],
  softsign: ({ x, g }) => [div(g, op('square', [sc('_plus_scalar', op('abs', [x[0]]), 1)]))],
  erf: ({ x, g }) => [mul(g, sc('_mul_scalar', op('exp', [op('negative', [op('square', [x[0]])])]), 2 / Math.sqrt(Math.PI)))],
  hard_sigmoid: ({ y, g, a }) => [mul(g, sc('_mul_scalar', mul(cmp('_greater_scalar', y[0], 0), cmp('_lesser_scalar', y[0], 1)), a.alpha))],
  clip: ({ x, g, a }) => [mul(g, mul(cmp('_greater_equal_scalar', x[0], a.a_min), cmp('_lesser_equal_scalar', x[0], a.a_max)))],
  smooth_l1: ({ x, g, a }) => { // |x| < 1/s^2: s^2 x, else sign(x)
    const s2 = a.scalar * a.scalar, inside = cmp('_lesser_scalar', op('abs', [x[0]]), 1 / s2);
    return [mul(g, op('where', [inside, sc('_mul_scalar', x[0], s2), op('sign', [x[0]])]))];
  },
  _rpower_scalar: ({ y, g, a }) => [mul(g, sc('_mul_scalar', y[0], Math.log(a.scalar)))],
  _maximum_scalar: ({ x, g, a }) => [mul(g, cmp('_greater_equal_scalar', x[0], a.scalar))],
  _minimum_scalar: ({ x, g, a }) => [mul(g, cmp('_lesser_equal_scalar', x[0], a.scalar))],
  _hypot_scalar: ({ x, y, g }) => [mul(g, div(x[0], y[0]))],
  _mod_scalar: ({ g }) => [g],
  _rmod_scalar: ({ x, g, a }) => [op('negative', [mul(g, op('floor', [op('_rdiv_scalar', [x[0]], { scalar: a.scalar })]))])],
  _power: bin(powG), broadcast_power: bin(powG),
  _maximum: bin(maxG), broadcast_maximum: bin(maxG),
  _minimum: bin(minG), broadcast_minimum: bin(minG),
  _hypot: bin(hypG), broadcast_hypot: bin(hypG),
  _mod: bin(modG), broadcast_mod: bin(modG),
  where: ({ x, g }) => [undefined, op('where', [x[0], g, zeros(g)]), op('where', [x[0], zeros(g), g])],
  add_n: ({ x, g }) => x.map(() => g),
  LeakyReLU: ({ x, y, g, a }) => {
    if (a.act_type === 'prelu') { // y = x (x > 0), gamma x; gamma per channel (axis 1) or one value
      const gm = x[1], C = gm.size, shape = x[0].shape.map((d, i) => (i === 1 && C > 1 ? C : 1));
      const gb = op('Reshape', [gm], { shape: C > 1 ? shape : x[0].shape.map(() => 1) });
      const pos = cmp('_greater_scalar', x[0], 0), neg = cmp('_lesser_equal_scalar', x[0], 0);
      const dx = mul(g, add(pos, op('broadcast_mul', [neg, gb])));
      const dgm = reduceTo(mul(g, mul(neg, x[0])), C > 1 ? shape : x[0].shape.map(() => 1));
      return [dx, op('Reshape', [dgm], { shape: gm.shape })];
    }
    return [mul(g, leakyGrad(a.act_type, a.slope, x[0], y[0]))];
  },
  softmax: (c) => [softmaxGrad(false, false, c)],
  log_softmax: (c) => [softmaxGrad(true, false, c)],
  softmin: (c) => [softmaxGrad(false, true, c)],
  max: ({ x, y, g, a }) => [mul(expand(g, x[0], a), op('broadcast_equal', [x[0], expand(y[0], x[0], a)]))],
  min: ({ x, y, g, a }) => [mul(expand(g, x[0], a), op('broadcast_equal', [x[0], expand(y[0], x[0], a)]))],
  prod: ({ x, y, g, a }) => [div(mul(expand(g, x[0], a), expand(y[0], x[0], a)), x[0])],
  norm: ({ x, y, g, a }) => {
    if ((a.ord ?? 2) !== 2) throw new ArgumentError('autograd.grad(createGraph): norm is recordable for ord 2 only');
    return [div(mul(expand(g, x[0], a), x[0]), expand(y[0], x[0], a))];
  },
  transpose: ({ x, g, a }) => {
    const n = x[0].ndim, axes: number[] = a.axes && a.axes.length ? a.axes.map((v: number) => norm(v, n)) : [...Array(n).keys()].reverse();
    const inv: number[] = new Array(n); axes.forEach((p, i) => { inv[p] = i; });
    return [op('transpose', [g], { axes: inv })];
  },
  SwapAxis: ({ g, a }) => [op('SwapAxis', [g], { dim1: a.dim1, dim2: a.dim2 })],
  Flatten: ({ x, g }) => [op('Reshape', [g], { shape: x[0].shape })],
  expand_dims: ({ x, g }) => [op('Reshape', [g], { shape: x[0].shape })],
  squeeze: ({ x, g }) => [op('Reshape', [g], { shape: x[0].shape })],
  broadcast_to: ({ x, g }) => [reduceTo(g, x[0].shape)],
  broadcast_axis: ({ x, g }) => [reduceTo(g, x[0].shape)],
  broadcast_like: ({ x, g }) => [reduceTo(g, x[0].shape), undefined],
  Concat: ({ x, g, a }) => {
    const ax = norm(a.dim, g.ndim);
    let b = 0;
    return x.map((xi) => { const s = op('slice_axis', [g], { axis: ax, begin: b, end: b + xi.shape[ax] }); b += xi.shape[ax]; return s; });
  },
  stack: ({ x, g, a }) => {
    const ax = norm(a.axis ?? 0, g.ndim);
    return x.map((xi, i) => op('Reshape', [op('slice_axis', [g], { axis: ax, begin: i, end: i + 1 })], { shape: xi.shape }));
  },
  slice_axis: ({ x, g, a }) => {
    const ax = norm(a.axis, x[0].ndim);
    return [padAxis(g, x[0].shape, ax, startOf(a.begin, x[0].shape[ax]))];
  },
  slice: ({ x, g, a }) => {
    const shape = x[0].shape, begin: (number | null)[] = a.begin ?? [], step: (number | null)[] = a.step ?? [];
    if (step.some((s) => s !== null && s !== undefined && s !== 1)) throw new ArgumentError('autograd.grad(createGraph): slice is recordable with step 1 only');
    let d = g;
    for (let ax = 0; ax < begin.length; ax++) {
      const full = shape.map((v, i) => (i <= ax ? v : d.shape[i]));
      d = padAxis(d, full, ax, startOf(begin[ax], shape[ax]));
    }
    return [d];
  },
  pick: ({ x, g, a }) => {
    const n = x[0].ndim, ax = norm(a.axis ?? -1, n), depth = x[0].shape[ax];
    if (a.mode === 'wrap') throw new ArgumentError("autograd.grad(createGraph): pick is recordable with mode 'clip' only");
    const kept = x[0].shape.map((d, i) => (i === ax ? 1 : d));
    const idx = op('clip', [x[1]], { a_min: 0, a_max: depth - 1 });
    let oh = op('one_hot', [op('Reshape', [idx], { shape: x[0].shape.filter((_, i) => i !== ax) })], { depth }); // axis last
    if (ax !== n - 1) oh = op('transpose', [oh], { axes: [...Array(n).keys()].map((i) => (i < ax ? i : i === ax ? n - 1 : i - 1)) });
    return [op('broadcast_mul', [oh, op('Reshape', [g], { shape: kept })]), undefined];
  },
  take: ({ x, g, a }) => {
    if ((a.axis ?? 0) !== 0 || a.mode === 'wrap') throw new ArgumentError("autograd.grad(createGraph): take is recordable along axis 0 with mode 'clip' only");
    const rows = x[0].shape[0], idx = op('clip', [x[1]], { a_min: 0, a_max: rows - 1 });
    return [gatherBack(idx, g, rows, x[0].shape.slice(1)), undefined];
  },
  Embedding: ({ x, g, a }) => [undefined, gatherBack(x[0], g, a.input_dim, [a.output_dim])],
  Dropout: ({ y, g, a, train }) => [train || a.mode === 'always' ? mul(g, y[1]) : g],
  dot: ({ x, g, a }) => {
    const [A0, B0] = x, ta = !!a.transpose_a, tb = !!a.transpose_b;
    if (A0.ndim !== 2 || B0.ndim !== 2) throw new ArgumentError('autograd.grad(createGraph): dot is recordable for 2-D inputs');
    // C = op(A) op(B): dA = g op(B)^T (transposed back if ta), dB = op(A)^T g (transposed back if tb)
    const dA = ta ? op('dot', [B0, g], { transpose_a: tb, transpose_b: true }) : op('dot', [g, B0], { transpose_b: !tb });
    const dB = tb ? op('dot', [g, A0], { transpose_a: true, transpose_b: ta }) : op('dot', [A0, g], { transpose_a: !ta });
    return [dA, dB];
  },
  batch_dot: ({ x, g, a }) => {
    const [A0, B0] = x, ta = !!a.transpose_a, tb = !!a.transpose_b;
    const dA = ta ? op('batch_dot', [B0, g], { transpose_a: tb, transpose_b: true }) : op('batch_dot', [g, B0], { transpose_b: !tb });
    const dB = tb ? op('batch_dot', [g, A0], { transpose_a: true, transpose_b: ta }) : op('batch_dot', [A0, g], { transpose_a: !ta });
    return [dA, dB];
  },
};
