/**
 * ONNX ops of the default domain composed exactly from mxwasm ops: Round (half to even: rint), Celu, ThresholdedRelu,
 * Shrink, ReduceL1 / ReduceSumSquare / ReduceLogSum / ReduceLogSumExp (max-shifted, as onnxruntime), LRN (4-d, odd sizes),
 * Trilu on static shapes, and DynamicQuantizeLinear (uint8, onnxruntime's rules: the range
 * widened to include 0, scale (max - min) / 255 (1 when the range is empty), zero point rounded half away from zero,
 * the data rounded half to even).
 */
import type { Symbol } from '../symbol/symbol.js';
import type { NodeCtx } from './context.js';
import { reduceArgs } from './ops-math.js';
import type { Mapper } from './ops-nn.js';
import { makeConst } from './shapes.js';
import { DT } from './tensor.js';
/** where(cond, x, 0) without multiplying (0 * inf would be NaN). */
const keepWhere = (c: NodeCtx, cond: Symbol, x: Symbol, tag: string) => c.mx('where', [cond, x, c.mx('zeros_like', [x], {}, `${tag}z`)], {}, tag);
const Celu: Mapper = (c) => {
  const a = c.f('alpha', 1), x = c.sym(0);
  const neg = c.mx('_minimum_scalar', [c.mx('_mul_scalar', [c.mx('expm1', [c.mx('_div_scalar', [x], { scalar: a }, 'd')], {}, 'e')], { scalar: a }, 'm')], { scalar: 0 }, 'n');
  return c.mx('elemwise_add', [c.mx('relu', [x], {}, 'p'), neg]);
};
const ThresholdedRelu: Mapper = (c) => keepWhere(c, c.mx('_greater_scalar', [c.sym(0)], { scalar: c.f('alpha', 1) }, 'gt'), c.sym(0), 'w');
const Shrink: Mapper = (c) => {
  const l = c.f('lambd', 0.5), b = c.f('bias', 0), x = c.sym(0);
  if (l < 0) throw c.fail(`lambd ${l} must not be negative`);
  const lo = c.mx('where', [c.mx('_lesser_scalar', [x], { scalar: -l }, 'lt'), c.mx('_plus_scalar', [x], { scalar: b }, 'pb'), c.mx('zeros_like', [x], {}, 'z')], {}, 'lo');
  return c.mx('where', [c.mx('_greater_scalar', [x], { scalar: l }, 'gt'), c.mx('_minus_scalar', [x], { scalar: b }, 'mb'), lo]);
};
function reduceWith(pre: string | undefined, op: string, post?: string): Mapper {
  return (c) => {
    const a = reduceArgs(c), x = pre ? c.mx(pre, [c.sym(0)], {}, 'pre') : c.sym(0);
    if (!a) return pre ? x : c.mx('identity', [x]);
    const r = c.mx(op, [x], a, 'r');
    return post ? c.mx(post, [r]) : r;
  };
}
/** log(sum(exp(x - max))) + max over the axes (the max kept for the shift, then dropped where keepdims = 0). */
const ReduceLogSumExp: Mapper = (c) => {
  const a = reduceArgs(c);
  if (!a) return c.mx('identity', [c.sym(0)]);
  const m = c.mx('max', [c.sym(0)], { axis: a.axis, keepdims: true }, 'm');
  const s = c.mx('log', [c.mx('sum', [c.mx('exp', [c.mx('broadcast_sub', [c.sym(0), m], {}, 'sh')], {}, 'e')], a, 's')], {}, 'l');
  return c.mx('elemwise_add', [s, a.keepdims ? m : c.mx('max', [c.sym(0)], a, 'm2')]);
};
const LRN: Mapper = (c) => {
  const size = c.i('size', 0);
  if (!(size >= 1) || size % 2 === 0) throw c.fail(`size ${size} must be odd (an even window is not centred, MXNet's LRN is)`);
  if (c.rank(0) !== 4) throw c.fail('the input must be 4-d (N, C, H, W)');
  return c.mx('LRN', [c.sym(0)], { nsize: size, alpha: c.f('alpha', 1e-4), beta: c.f('beta', 0.75), knorm: c.f('bias', 1) });
};
const Trilu: Mapper = (c) => {
  const x = c.shape(0), k = c.has(1) ? c.constInts(1, 'k')[0] : 0, upper = !!c.i('upper', 1);
  if (!x || x.length < 2) throw c.fail('the input needs a known shape of rank >= 2');
  const dyn = c.dynDims(0);
  if (dyn?.slice(-2).some(Boolean)) throw c.fail('the last two dims must be static');
  const [R, C] = x.slice(-2), mask = new Float64Array(R * C);
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) mask[i * C + j] = +(upper ? j - i >= k : j - i <= k);
  const m = c.mx('broadcast_like', [c.param(`${c.name}_mask`, makeConst([...x.slice(0, -2).map(() => 1), R, C], DT.FLOAT, mask)), c.sym(0)], {}, 'mb');
  return keepWhere(c, m, c.sym(0), 'tri');
};
/** DynamicQuantizeLinear (opset 11, uint8): y, y_scale, y_zero_point. */
const DynamicQuantizeLinear: Mapper = (c) => {
  const r = c.rank(0), x = c.sym(0), ones = new Array(r).fill(1);
  const lo = c.mx('_minimum_scalar', [c.mx('min', [x], {}, 'mn')], { scalar: 0 }, 'lo'), hi = c.mx('_maximum_scalar', [c.mx('max', [x], {}, 'mx')], { scalar: 0 }, 'hi');
  const d = c.mx('elemwise_sub', [hi, lo], {}, 'd');
  // (max - min) / 255, or 1 where max == min (both 0): + (d == 0) adds exactly 0 or 1 to an exact 0
  const scale = c.mx('elemwise_add', [c.mx('_div_scalar', [d], { scalar: 255 }, 's0'), c.mx('_equal_scalar', [d], { scalar: 0 }, 'dz')], {}, 'scale');
  const zp = c.mx('round', [c.mx('clip', [c.mx('negative', [c.mx('elemwise_div', [lo, scale], {}, 'q')], {}, 'nq')], { a_min: 0, a_max: 255 }, 'zc')], {}, 'zp');
  const b = (s: Symbol, tag: string) => c.mx('Reshape', [s], { shape: ones }, tag);
  const y = c.mx('clip', [c.mx('broadcast_add', [c.mx('rint', [c.mx('broadcast_div', [x, b(scale, 'sb')], {}, 'xd')], {}, 'ri'), b(zp, 'zb')], {}, 'yz')], { a_min: 0, a_max: 255 });
  return [y, scale, zp];
};
export const MORE_MAP: Record<string, Mapper> = {
  Round: (c) => c.mx('rint', [c.sym(0)]), Celu, ThresholdedRelu, Shrink, LRN, Trilu, DynamicQuantizeLinear,
  ReduceL1: reduceWith('abs', 'sum'), ReduceSumSquare: reduceWith('square', 'sum'), ReduceLogSum: reduceWith(undefined, 'sum', 'log'), ReduceLogSumExp,
};
