/**
 * ONNX integer ops onto float32 ops holding integer values (as QuantizeLinear's outputs): MatMulInteger, ConvInteger
 * (int32 outputs), QLinearMatMul, QLinearConv (requantized). Exactness: (x - x_zp)(w - w_zp) products and their sums are integers, exact in float32 while every partial sum
 * stays within 2^24, whatever the summation order. At import each node proves it per output channel: max|x - x_zp|
 * (from x_zp and its type: 255 at most) times sum_k |w - w_zp| (the constant weights themselves; 255 * 255 * K for
 * computed ones) <= 2^24. Where that fails, K is cut into chunks that each satisfy it, and the chunks' exact sums
 * are added through a high/low split (hi = floor(p / 4096), lo = p - 4096 hi: both sums stay exact), so the result
 * is the float32 nearest the exact int32 accumulator: the same value onnxruntime's float(acc) requantizes, and for
 * int32 outputs the exact integer up to 2^24 (beyond: the nearest float32, within 2^-24 relative).
 * Requantization as onnxruntime: y = clip(rint(acc * (x_scale * w_scale / y_scale)) + y_zp, lo, hi), the multiplier
 * rounded to float32 per channel.
 */
import type { Symbol } from '../symbol/symbol.js';
import type { NodeCtx } from './context.js';
import { padInput, padsOf, type Mapper } from './ops-nn.js';
import { makeConst } from './shapes.js';
import { DT, dtypeName, type Const } from './tensor.js';

const LIMIT = 2 ** 24, SPLIT = 4096;
const RANGE: Record<number, [number, number]> = { [DT.UINT8]: [0, 255], [DT.INT8]: [-128, 127] };
interface ZeroPoint { z: Float64Array; type?: number; run?: boolean }
/**
 * A zero point input: a constant of uint8/int8 with `n` values allowed (1 = per tensor), or 0 when absent; with
 * `runTime`, a one-element computed value (DynamicQuantizeLinear's) is allowed too (its type unknown: 255 bounds it).
 */
function zeroPoint(c: NodeCtx, i: number, what: string, perChannel = 0, runTime = false): ZeroPoint {
  if (!c.has(i)) return { z: new Float64Array([0]) };
  const Z = c.const(i);
  if (!Z && runTime && c.shape(i)?.reduce((p, v) => p * v, 1) === 1) return { z: new Float64Array([NaN]), run: true };
  if (!Z) throw c.fail(`${what} zero point (input ${i}) must be a constant${runTime ? ' or a one-element value' : ''}`);
  if (!RANGE[Z.type]) throw c.fail(`${what} zero point of type ${dtypeName(Z.type)} is not supported (uint8, int8)`);
  if (Z.data.length !== 1 && Z.data.length !== perChannel)
    throw c.fail(`${what} zero point has ${Z.data.length} values: 1${perChannel ? ` or ${perChannel} (per output channel)` : ' (per tensor)'} expected`);
  return { z: Float64Array.from(Z.data), type: Z.type };
}
/** max |v - zp| over the values of zp's type (255 when the type is unknown: uint8 or int8). */
const maxAbs = (zp: ZeroPoint): number => (zp.type === undefined ? 255 : Math.max(...Array.from(zp.z, (z) => Math.max(z - RANGE[zp.type!][0], RANGE[zp.type!][1] - z))));
/** An activation minus its (scalar) zero point; a computed one (input zi) is reshaped to broadcast. */
function centered(c: NodeCtx, i: number, zp: ZeroPoint, tag: string, zi = -1): Symbol {
  if (zp.z.length !== 1) throw c.fail(`a per-channel zero point for input ${i} is not supported (only for the weights)`);
  if (zp.run) return c.mx('broadcast_sub', [c.sym(i), c.mx('Reshape', [c.sym(zi)], { shape: new Array(c.rank(i)).fill(1) }, `${tag}r`)], {}, tag);
  return zp.z[0] ? c.mx('_minus_scalar', [c.sym(i)], { scalar: zp.z[0] }, tag) : c.sym(i);
}
/**
 * Cuts [0, K) into chunks whose per-channel bounds stay within 2^24 (`cost(k, o)`: channel o's bound for k), with
 * `peak` the largest channel bound of the last chunk (the whole sum's bound when there is one chunk).
 */
function chunks(c: NodeCtx, K: number, nOut: number, cost: (k: number, o: number) => number): [number, number][] & { peak: number } {
  const out = [] as unknown as [number, number][] & { peak: number }, acc = new Float64Array(nOut);
  let k0 = 0;
  for (let k = 0; k < K; k++) {
    let fits = true;
    for (let o = 0; o < nOut; o++) if (acc[o] + cost(k, o) > LIMIT) { fits = false; break; }
    if (!fits) {
      if (k === k0) throw c.fail('one product exceeds 2^24');
      out.push([k0, k]); k0 = k; acc.fill(0);
    }
    for (let o = 0; o < nOut; o++) acc[o] += cost(k, o);
  }
  out.push([k0, K]);
  out.peak = Math.max(0, ...acc);
  return out;
}
/** The exact sum of integer parts (each within 2^24) plus an int32 bias (constant, shaped to broadcast), rounded once. */
function exactSum(c: NodeCtx, parts: Symbol[], bias: Const | undefined, bound: number): Symbol {
  const bmax = bias ? Math.max(0, ...Array.from(bias.data, Math.abs)) : 0;
  if (parts.length === 1 && bound + bmax <= LIMIT) return bias ? c.mx('broadcast_add', [parts[0], c.param(`${c.name}_bias`, bias)], {}, 'bias') : parts[0];
  const his: Symbol[] = [], los: Symbol[] = [];
  parts.forEach((p, k) => {
    const hi = c.mx('floor', [c.mx('_mul_scalar', [p], { scalar: 1 / SPLIT }, `d${k}`)], {}, `hi${k}`);
    his.push(hi); los.push(c.mx('elemwise_sub', [p, c.mx('_mul_scalar', [hi], { scalar: SPLIT }, `m${k}`)], {}, `lo${k}`));
  });
  const sum = (xs: Symbol[], tag: string) => (xs.length === 1 ? xs[0] : c.mx('add_n', xs, { num_args: xs.length }, tag));
  let H = sum(his, 'H'), L = sum(los, 'L');
  if (bias) {
    const h = Array.from(bias.data, (v) => Math.floor(v / SPLIT)), l = Array.from(bias.data, (v, i) => v - SPLIT * h[i]);
    H = c.mx('broadcast_add', [H, c.param(`${c.name}_bias_hi`, makeConst(bias.dims, DT.FLOAT, h))], {}, 'bh');
    L = c.mx('broadcast_add', [L, c.param(`${c.name}_bias_lo`, makeConst(bias.dims, DT.FLOAT, l))], {}, 'bl');
  }
  return c.mx('elemwise_add', [c.mx('_mul_scalar', [H], { scalar: SPLIT }, 'Hs'), L], {}, 'acc');
}
/** A float32 scalar or per-channel scale constant. */
function scale(c: NodeCtx, i: number, what: string, perChannel = 0): Float32Array {
  const S = c.const(i);
  if (!S) throw c.fail(`${what} scale (input ${i}) must be a constant`);
  if (S.data.length !== 1 && S.data.length !== perChannel) throw c.fail(`${what} scale has ${S.data.length} values: 1${perChannel ? ` or ${perChannel}` : ''} expected`);
  return Float32Array.from(S.data);
}
/** QLinear* output: clip(rint(acc * multiplier) + y_zp) with multiplier = fl(fl(x_scale * w_scale) / y_scale) per channel. */
function requant(c: NodeCtx, acc: Symbol, si: number[], nOut: number, chanShape: (n: number) => number[]): Symbol {
  const xs = scale(c, si[0], 'input'), ws = scale(c, si[1], 'weight', nOut), ys = scale(c, si[2], 'output');
  const yz = zeroPoint(c, si[3], 'output'), [lo, hi] = RANGE[yz.type ?? DT.UINT8];
  const m = Float32Array.from(ws, (w) => Math.fround(Math.fround(xs[0] * w) / ys[0]));
  let y = m.length === 1 ? c.mx('_mul_scalar', [acc], { scalar: m[0] }, 'rq') : c.mx('broadcast_mul', [acc, c.param(`${c.name}_multiplier`, makeConst(chanShape(m.length), DT.FLOAT, m))], {}, 'rq');
  y = c.mx('rint', [y], {}, 'rint');
  if (yz.z[0]) y = c.mx('_plus_scalar', [y], { scalar: yz.z[0] }, 'yzp');
  return c.mx('clip', [y], { a_min: lo, a_max: hi });
}
/** Constant weights minus their zero point (per tensor or per output channel along `oAxis`), as float64. */
function centeredWeights(W: Const, zp: ZeroPoint, oAxis: number): Float64Array {
  const inner = W.dims.slice(oAxis + 1).reduce((p, v) => p * v, 1), nO = W.dims[oAxis];
  return Float64Array.from(W.data, (v, i) => v - zp.z[zp.z.length === 1 ? 0 : Math.floor(i / inner) % nO]);
}
/** (a - a_zp) x (b - b_zp) for MatMulInteger (inputs a, b, a_zp, b_zp) and QLinearMatMul (a, as, azp, b, bs, bzp, ys, yzp). */
function matmulAcc(c: NodeCtx, ia: number, iaz: number, ib: number, ibz: number): { acc: Symbol; N: number } {
  const a = c.shape(ia), b = c.shape(ib), B = c.const(ib);
  if (!a || !b || a.length < 2 || b.length < 2) throw c.fail('A and B need known shapes of rank >= 2');
  const K = a[a.length - 1], N = b[b.length - 1];
  if (b[b.length - 2] !== K) throw c.fail(`inner dimensions differ: A [${a.join(', ')}], B [${b.join(', ')}]`);
  const az = zeroPoint(c, iaz, 'A', 0, true), bz = zeroPoint(c, ibz, 'B', B && b.length === 2 ? N : 0), mA = maxAbs(az);
  const A = centered(c, ia, az, 'azp', iaz), parts: Symbol[] = [];
  const slice = (s: Symbol, ax: number, [k0, k1]: [number, number], n: number, tag: string) => (k0 === 0 && k1 === n ? s : c.mx('slice_axis', [s], { axis: ax, begin: k0, end: k1 }, tag));
  let ch: ReturnType<typeof chunks>;
  if (B && b.length === 2) {
    const w = centeredWeights({ ...B, dims: [K, N] }, bz, 1), wt = new Float64Array(K * N); // transposed: FullyConnected's (N, K)
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) wt[n * K + k] = w[k * N + n];
    ch = chunks(c, K, N, (k, n) => mA * Math.abs(w[k * N + n]));
    ch.forEach(([k0, k1], j) => {
      const wc = new Float64Array(N * (k1 - k0));
      for (let n = 0; n < N; n++) wc.set(wt.subarray(n * K + k0, n * K + k1), n * (k1 - k0));
      const p = c.param(`${c.name}_w${j}`, makeConst([N, k1 - k0], DT.FLOAT, wc));
      parts.push(c.mx('FullyConnected', [slice(A, -1, [k0, k1], K, `a${j}`), p], { num_hidden: N, no_bias: true, flatten: false }, `fc${j}`));
    });
  } else {
    if (a.length !== b.length || a.slice(0, -2).some((v, i) => v !== b[i])) throw c.fail(`A [${a.join(', ')}] and B [${b.join(', ')}] (batch broadcasting) are not supported`);
    const Bs = centered(c, ib, bz, 'bzp'), per = mA * maxAbs(bz);
    ch = chunks(c, K, 1, () => per);
    ch.forEach((r, j) => parts.push(c.mx(a.length === 2 ? 'dot' : 'batch_dot', [slice(A, a.length - 1, r, K, `a${j}`), slice(Bs, b.length - 2, r, K, `b${j}`)], {}, `mm${j}`)));
  }
  return { acc: exactSum(c, parts, undefined, ch.length === 1 ? ch.peak : LIMIT), N };
}
/** (x - x_zp) * (w - w_zp) convolved (constant weights), plus an int32 bias; for ConvInteger and QLinearConv. */
function convAcc(c: NodeCtx, ix: number, ixz: number, iw: number, iwz: number, ib: number): { acc: Symbol; M: number } {
  const W = c.const(iw), x = c.shape(ix);
  if (!W || W.dims.length < 3) throw c.fail('the weights must be a constant (M, C/group, k...)');
  if (!x || x.length !== W.dims.length) throw c.fail('the input needs a known shape of the weights\' rank');
  const [M, Cg, ...ks] = W.dims, g = c.i('group', 1), area = ks.reduce((p, v) => p * v, 1);
  if (!(g >= 1) || x[1] !== Cg * g || M % g) throw c.fail(`group ${g}: input channels ${x[1]} must be ${Cg} x group and ${M} output channels a multiple of it`);
  const k = c.ints('kernel_shape') ?? ks;
  if (k.join(',') !== ks.join(',')) throw c.fail(`kernel_shape [${k.join(', ')}] differs from the weights' [${ks.join(', ')}]`);
  const s = c.ints('strides', ks.map(() => 1))!, d = c.ints('dilations', ks.map(() => 1))!;
  const xz = zeroPoint(c, ixz, 'x', 0, true), wz = zeroPoint(c, iwz, 'w', M), mA = maxAbs(xz), w = centeredWeights(W, wz, 0);
  const [pb, pe] = padsOf(c, k, s, d), { x: X, pad } = padInput(c, centered(c, ix, xz, 'xzp', ixz), pb, pe, 0);
  const ch = chunks(c, Cg, M, (ci, o) => { let t = 0; for (let q = 0; q < area; q++) t += Math.abs(w[(o * Cg + ci) * area + q]); return mA * t; });
  if (ch.length > 1 && g > 1) throw c.fail(`sums may pass 2^24 (exact float32 accumulation) and splitting input channels with group ${g} > 1 is not supported`);
  const parts = ch.map(([c0, c1], j) => {
    const wc = new Float64Array(M * (c1 - c0) * area);
    for (let o = 0; o < M; o++) wc.set(w.subarray((o * Cg + c0) * area, (o * Cg + c1) * area), o * (c1 - c0) * area);
    const xs = ch.length === 1 ? X : c.mx('slice_axis', [X], { axis: 1, begin: c0, end: c1 }, `x${j}`);
    const wj = c.param(`${c.name}_w${j}`, makeConst([M, c1 - c0, ...ks], DT.FLOAT, wc));
    return c.mx('Convolution', [xs, wj], { kernel: ks, stride: s, dilate: d, pad, num_filter: M, num_group: g, no_bias: true }, `conv${j}`);
  });
  let bias: Const | undefined;
  if (ib >= 0 && c.has(ib)) {
    const B = c.const(ib);
    if (!B || B.data.length !== M) throw c.fail(`the bias must be a constant int32 (${M})`);
    bias = makeConst([1, M, ...ks.map(() => 1)], DT.FLOAT, Array.from(B.data));
  }
  return { acc: exactSum(c, parts, bias, ch.length === 1 ? ch.peak : LIMIT), M };
}
export const QLINEAR_MAP: Record<string, Mapper> = {
  MatMulInteger: (c) => matmulAcc(c, 0, 2, 1, 3).acc, ConvInteger: (c) => convAcc(c, 0, 2, 1, 3, -1).acc,
  QLinearMatMul: (c) => requant(c, matmulAcc(c, 0, 2, 3, 5).acc, [1, 4, 6, 7], c.shape(3)!.at(-1)!, (n) => [n]),
  QLinearConv: (c) => requant(c, convAcc(c, 0, 2, 3, 5, 8).acc, [1, 4, 6, 7], c.shape(3)![0], (n) => [1, n, ...c.shape(3)!.slice(2).map(() => 1)]),
};
