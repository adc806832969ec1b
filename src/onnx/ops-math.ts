/**
 * ONNX → mxwasm mappings for elementwise math, activations, Softmax (both semantics: ≤ 12 coerces
 * to 2-D, 13+ is per axis), Clip, reductions, Where, ArgMax/ArgMin.
 */
import type { Symbol } from '../symbol/symbol.js';
import { axis, type NodeCtx } from './context.js';
import type { Mapper } from './ops-nn.js';
import { reshapeTo } from './ops-tensor.js';
import { bshape } from './shapes.js';
const unary = (op: string, attrs: Record<string, unknown> = {}): Mapper => (c) => c.mx(op, [c.sym(0)], attrs);
const act = (t: string): Mapper => unary('Activation', { act_type: t });
/** A one-element constant that broadcasting would not widen: usable as an MXNet `scalar`. */
function scalarOf(c: NodeCtx, i: number, other: number): number | undefined {
  const k = c.const(i), o = c.shape(other);
  if (!k || k.data.length !== 1 || !o || k.dims.length > o.length) return undefined;
  return k.data[0];
}
interface BinSpec { bc: string; sc?: string; rsc?: string }
const BIN: Record<string, BinSpec> = {
  Add: { bc: 'broadcast_add', sc: '_plus_scalar', rsc: '_plus_scalar' },
  Sub: { bc: 'broadcast_sub', sc: '_minus_scalar', rsc: '_rminus_scalar' },
  Mul: { bc: 'broadcast_mul', sc: '_mul_scalar', rsc: '_mul_scalar' },
  Div: { bc: 'broadcast_div', sc: '_div_scalar', rsc: '_rdiv_scalar' },
  Pow: { bc: 'broadcast_power', sc: '_power_scalar', rsc: '_rpower_scalar' },
  Equal: { bc: 'broadcast_equal', sc: '_equal_scalar', rsc: '_equal_scalar' },
  Greater: { bc: 'broadcast_greater', sc: '_greater_scalar', rsc: '_lesser_scalar' },
  Less: { bc: 'broadcast_lesser', sc: '_lesser_scalar', rsc: '_greater_scalar' },
  GreaterOrEqual: { bc: 'broadcast_greater_equal', sc: '_greater_equal_scalar', rsc: '_lesser_equal_scalar' },
  LessOrEqual: { bc: 'broadcast_lesser_equal', sc: '_lesser_equal_scalar', rsc: '_greater_equal_scalar' },
  And: { bc: 'broadcast_mul' }, Or: { bc: 'broadcast_maximum' },
  Max: { bc: 'broadcast_maximum', sc: '_maximum_scalar', rsc: '_maximum_scalar' },
  Min: { bc: 'broadcast_minimum', sc: '_minimum_scalar', rsc: '_minimum_scalar' },
  Sum: { bc: 'broadcast_add', sc: '_plus_scalar', rsc: '_plus_scalar' },
};
function binary(s: BinSpec): Mapper {
  return (c) => {
    if (c.nIn === 1) return c.mx('identity', [c.sym(0)]);
    if (c.nIn > 2) {
      if (!['Max', 'Min', 'Sum', 'Mean'].includes(c.op)) throw c.fail(`${c.nIn} inputs`);
      let y = c.sym(0);
      for (let i = 1; i < c.nIn; i++) y = c.mx(s.bc, [y, c.sym(i)], {}, i === c.nIn - 1 ? undefined : `${i}`);
      return y;
    }
    const r = s.sc ? scalarOf(c, 1, 0) : undefined;
    if (r !== undefined) return c.mx(s.sc!, [c.sym(0)], { scalar: r });
    const l = s.rsc ? scalarOf(c, 0, 1) : undefined;
    if (l !== undefined) return c.mx(s.rsc!, [c.sym(1)], { scalar: l });
    return c.mx(s.bc, [c.sym(0), c.sym(1)]);
  };
}
const Mean: Mapper = (c) => {
  const y = binary(BIN.Sum)(c) as Symbol;
  return c.nIn === 1 ? y : c.mx('_div_scalar', [y], { scalar: c.nIn }, 'mean');
};
const Clip: Mapper = (c) => {
  const F = 3.4028234663852886e38;
  const lo = c.opset >= 11 ? (c.has(1) ? c.constInts(1, 'min')[0] : -F) : c.f('min', -F);
  const hi = c.opset >= 11 ? (c.has(2) ? c.constInts(2, 'max')[0] : F) : c.f('max', F);
  if (lo === 0 && hi >= F) return c.mx('Activation', [c.sym(0)], { act_type: 'relu' });
  return c.mx('clip', [c.sym(0)], { a_min: lo, a_max: hi });
};
function softmax(op: 'softmax' | 'log_softmax'): Mapper {
  return (c) => {
    const r = c.rank(0), ax = axis(c, c.i('axis', c.opset >= 13 ? -1 : 1), r);
    if (c.opset >= 13 || ax === r - 1) return c.mx(op, [c.sym(0)], { axis: c.opset >= 13 ? ax : -1 });
    // opset ≤ 12: softmax over the flattened trailing dims [prod(d<axis), prod(d≥axis)]
    const x = c.shape(0)!, dyn = c.dynDims(0), p = (s: number[]) => s.reduce((u, v) => u * v, 1);
    if (dyn?.slice(ax).some(Boolean)) throw c.fail('softmax over a dynamic dimension');
    const flat = reshapeTo(c, c.sym(0), [p(x.slice(0, ax)), p(x.slice(ax))], [!!dyn?.slice(0, ax).some(Boolean), false], 'flat');
    const y = c.mx(op, [flat], { axis: -1 }, 'sm');
    return c.mx('Reshape', [y], { shape: x.map((d, k) => (dyn?.[k] ? -1 : d)) });
  };
}
/** A Reduce* node's axes (null = all; axes an input from 13 for ReduceSum, from 18 for the rest) and keepdims; undefined: a no-op. */
export function reduceArgs(c: NodeCtx): { axis: number[] | null; keepdims: boolean } | undefined {
  const inputAxes = c.op === 'ReduceSum' ? c.opset >= 13 : c.opset >= 18;
  const axes = inputAxes ? (c.has(1) ? c.constInts(1, 'axes') : undefined) : c.ints('axes');
  const keep = !!c.i('keepdims', 1), r = c.rank(0);
  if (axes && axes.length === 0 && c.i('noop_with_empty_axes', 0)) return undefined;
  return { axis: axes && axes.length ? axes.map((a) => axis(c, a, r)) : null, keepdims: keep };
}
function reduce(op: string): Mapper {
  return (c) => {
    const a = reduceArgs(c);
    if (!a) return c.mx('identity', [c.sym(0)]);
    return c.mx(op, [c.sym(0)], { ...a, ...(op === 'norm' ? { ord: 2 } : {}) });
  };
}
function arg(op: string): Mapper {
  return (c) => {
    if (c.i('select_last_index', 0)) throw c.fail('select_last_index=1 is not supported');
    return c.mx(op, [c.sym(0)], { axis: axis(c, c.i('axis', 0), c.rank(0)), keepdims: !!c.i('keepdims', 1) });
  };
}
/** Broadcasts a value to `out` dims (leading unit axes, then broadcast_to). */
function widen(c: NodeCtx, i: number, out: number[], tag: string): Symbol {
  const s0 = c.shape(i)!;
  let s = c.sym(i);
  for (let k = s0.length; k < out.length; k++) s = c.mx('expand_dims', [s], { axis: 0 }, `${tag}e${k}`);
  const full = [...new Array(out.length - s0.length).fill(1), ...s0];
  if (full.every((d, k) => d === out[k])) return s;
  return c.mx('broadcast_to', [s], { shape: out.map((d, k) => (full[k] === d ? 0 : d)) }, `${tag}b`);
}
const Where: Mapper = (c) => {
  const sh = [0, 1, 2].map((i) => c.shape(i));
  if (sh.some((s) => !s)) throw c.fail('input shapes must be known at import');
  const out = bshape(c, bshape(c, sh[0]!, sh[1]!), sh[2]!);
  return c.mx('where', [widen(c, 0, out, 'c'), widen(c, 1, out, 'x'), widen(c, 2, out, 'y')]);
};
const PRelu: Mapper = (c) => {
  const sl = c.const(1), x = c.shape(0);
  if (!sl || !x) throw c.fail('slope must be a constant and the input shape known');
  if (sl.data.length === 1) return c.mx('LeakyReLU', [c.sym(0)], { act_type: 'leaky', slope: sl.data[0] });
  const C = x[1], d = sl.dims;
  const perChannel = sl.data.length === C && (x.length === 2 ? d.length === 1 : d.length === x.length - 1 || d.length === x.length) && d[d.length - (x.length - 1)] === C;
  if (!perChannel) throw c.fail(`slope shape [${d.join(', ')}] is not per-channel for input [${x.join(', ')}]`);
  return c.mx('LeakyReLU', [c.sym(0), c.param(c.node.input[1], { dims: [C], type: 1, data: Float32Array.from(sl.data) })], { act_type: 'prelu' });
};
const Selu: Mapper = (c) => {
  if (Math.abs(c.f('alpha', 1.67326319217681884765625) - 1.6732632) > 1e-6 || Math.abs(c.f('gamma', 1.05070102214813232421875) - 1.050701) > 1e-6)
    throw c.fail('only the default alpha/gamma map onto LeakyReLU selu');
  return c.mx('LeakyReLU', [c.sym(0)], { act_type: 'selu' });
};
const HardSigmoid: Mapper = (c) => c.mx('hard_sigmoid', [c.sym(0)], { alpha: c.f('alpha', 0.2), beta: c.f('beta', 0.5) });
const HardSwish: Mapper = (c) => c.mx('broadcast_mul', [c.sym(0), c.mx('hard_sigmoid', [c.sym(0)], { alpha: 1 / 6, beta: 0.5 }, 'hs')]);
/** Gelu approximate = tanh: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). */
const geluTanh = (c: NodeCtx): Symbol => {
  const x = c.sym(0), x3 = c.mx('elemwise_mul', [c.mx('square', [x], {}, 'sq'), x], {}, 'x3');
  const inner = c.mx('_mul_scalar', [c.mx('elemwise_add', [x, c.mx('_mul_scalar', [x3], { scalar: 0.044715 }, 'k')], {}, 'in')], { scalar: Math.sqrt(2 / Math.PI) }, 's');
  const t = c.mx('_plus_scalar', [c.mx('tanh', [inner], {}, 't')], { scalar: 1 }, 'p1');
  return c.mx('elemwise_mul', [c.mx('_mul_scalar', [x], { scalar: 0.5 }, 'h'), t]);
};
const Gelu: Mapper = (c) => {
  const ap = c.s('approximate', 'none');
  if (ap === 'tanh') return geluTanh(c);
  if (ap !== 'none') throw c.fail(`approximate=${ap} is not none or tanh`);
  return c.mx('LeakyReLU', [c.sym(0)], { act_type: 'gelu' });
};
export const MATH_MAP: Record<string, Mapper> = {
  ...Object.fromEntries(Object.entries(BIN).map(([k, s]) => [k, binary(s)])),
  Mean,
  Relu: act('relu'), Sigmoid: act('sigmoid'), Tanh: act('tanh'), Softplus: act('softrelu'), Softsign: act('softsign'),
  Exp: unary('exp'), Log: unary('log'), Sqrt: unary('sqrt'), Neg: unary('negative'), Abs: unary('abs'), Reciprocal: unary('reciprocal'),
  Floor: unary('floor'), Ceil: unary('ceil'), Sin: unary('sin'), Cos: unary('cos'), Sign: unary('sign'), Erf: unary('erf'),
  Not: unary('_equal_scalar', { scalar: 0 }),
  LeakyRelu: (c) => c.mx('LeakyReLU', [c.sym(0)], { act_type: 'leaky', slope: c.f('alpha', 0.01) }),
  Elu: (c) => c.mx('LeakyReLU', [c.sym(0)], { act_type: 'elu', slope: c.f('alpha', 1) }),
  Selu, PRelu, HardSigmoid, HardSwish, Gelu, Clip, Where,
  Softmax: softmax('softmax'), LogSoftmax: softmax('log_softmax'),
  ReduceMean: reduce('mean'), ReduceSum: reduce('sum'), ReduceMax: reduce('max'), ReduceMin: reduce('min'), ReduceProd: reduce('prod'), ReduceL2: reduce('norm'),
  ArgMax: arg('argmax'), ArgMin: arg('argmin'),
};
