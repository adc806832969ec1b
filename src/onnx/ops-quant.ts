/**
 * ONNX QuantizeLinear / DequantizeLinear (the QDQ format of quantized models). On constants (a weights-only
 * quantized model's int8 initializers) they fold at import into float32 parameters; on activations they run as
 * float32 ops holding the integer values: Q = clip(rint(x / scale) + zero_point, lo, hi) (division, then round half
 * to even, as onnxruntime), DQ = (x - zero_point) * scale. Per-tensor, per-axis (13+) and blocked (21+) scales.
 * The integer ops (QLinearConv, MatMulInteger, ...) are in ops-qlinear.ts.
 */
import type { Symbol } from '../symbol/symbol.js';
import { axis, type NodeCtx, type Val } from './context.js';
import type { Mapper } from './ops-nn.js';
import { makeConst, strides } from './shapes.js';
import { DT, dtypeName, type Const } from './tensor.js';

/** Integer ranges of the quantized types. */
const RANGE: Record<number, [number, number]> = { [DT.UINT8]: [0, 255], [DT.INT8]: [-128, 127], [DT.UINT16]: [0, 65535], [DT.INT16]: [-32768, 32767], [DT.INT32]: [-(2 ** 31), 2 ** 31 - 1] };

interface Layout { ax: number; block: number }

/** Checks the scale / zero point shapes against x: per-tensor, per-axis or blocked; returns the axis and block size. */
function layout(c: NodeCtx, x: number[], scale: number[], zp: number[] | undefined): Layout {
  const r = x.length, block = c.opset >= 21 ? c.i('block_size', 0) : 0;
  if (zp && zp.join(',') !== scale.join(',')) throw c.fail(`zero point shape [${zp.join(', ')}] differs from the scale's [${scale.join(', ')}]`);
  const n = scale.reduce((p, v) => p * v, 1);
  if (block < 0) throw c.fail(`block_size ${block} must not be negative`);
  if (!block && n === 1 && scale.length <= 1) return { ax: 0, block: 0 };
  if (c.opset < 13) throw c.fail(`scale must be a scalar before opset 13, got [${scale.join(', ')}]`);
  const ax = axis(c, c.i('axis', 1), r);
  if (!block) {
    if (scale.length !== 1 || scale[0] !== x[ax]) throw c.fail(`a per-axis scale must be (${x[ax]}) for axis ${ax}, got [${scale.join(', ')}]`);
    return { ax, block: 0 };
  }
  const ok = scale.length === r && scale.every((d, k) => (k === ax ? d === Math.ceil(x[ax] / block) : d === x[k]));
  if (!ok) throw c.fail(`a blocked scale must be [${x.map((d, k) => (k === ax ? Math.ceil(d / block) : d)).join(', ')}] for block_size ${block}, got [${scale.join(', ')}]`);
  return { ax, block };
}

/** For each element of x (flat), the flat index of its scale. */
function scaleIndex(x: number[], L: Layout, nScale: number): (i: number) => number {
  if (nScale === 1 && !L.block) return () => 0;
  const inner = x.slice(L.ax + 1).reduce((p, v) => p * v, 1), d = x[L.ax];
  if (!L.block) return (i) => Math.floor(i / inner) % d;
  const sd = x.map((v, k) => (k === L.ax ? Math.ceil(v / L.block) : v)), ss = strides(sd), xs = strides(x);
  return (i) => {
    let o = 0, rem = i;
    for (let k = 0; k < x.length; k++) { const q = Math.floor(rem / xs[k]); rem -= q * xs[k]; o += (k === L.ax ? Math.floor(q / L.block) : q) * ss[k]; }
    return o;
  };
}

/** The quantized type of a Q node's output: output_dtype (21+), else the zero point's, else uint8. */
function qType(c: NodeCtx, zp: number | undefined): number {
  const t = (c.opset >= 21 ? c.i('output_dtype', 0) : 0) || zp || DT.UINT8;
  if (!RANGE[t] || t === DT.INT32) throw c.fail(`quantizing to ${dtypeName(t)} is not supported (uint8, int8, uint16, int16)`);
  return t;
}

/** Folds Q / DQ whose inputs are all constants (weights). */
export function foldQuant(c: NodeCtx, [x, s, z]: Const[]): Val[] {
  const L = layout(c, x.dims, s.dims, z?.dims), at = scaleIndex(x.dims, L, s.data.length), n = x.data.length;
  if (c.op === 'DequantizeLinear') {
    if (!RANGE[x.type]) throw c.fail(`dequantizing ${dtypeName(x.type)} is not supported (int8, uint8, int16, uint16, int32)`);
    const out = new Float32Array(n); // (x - zp) is exact and the product of it with a float32 scale rounds once, as in float32
    for (let i = 0; i < n; i++) { const k = at(i); out[i] = (x.data[i] - (z ? z.data[k] : 0)) * s.data[k]; }
    return [{ c: { dims: x.dims, type: DT.FLOAT, data: out } }];
  }
  const t = qType(c, z?.type), [lo, hi] = RANGE[t], out = new Float64Array(n), q = new Float32Array(1);
  for (let i = 0; i < n; i++) {
    const k = at(i);
    q[0] = x.data[i] / s.data[k]; // float32 division
    const r = Math.round(q[0]), v = Math.abs(q[0] % 1) === 0.5 ? 2 * Math.round(q[0] / 2) : r; // half to even
    out[i] = Math.min(Math.max(v + (z ? z.data[k] : 0), lo), hi);
  }
  return [{ c: makeConst(x.dims, t, out) }];
}

/** Q / DQ on an activation: float32 ops with the scale and zero point as parameters (broadcast along the axis). */
const quantOp: Mapper = (c) => {
  const x = c.shape(0), S = c.const(1), Z = c.has(2) ? c.const(2) : undefined;
  if (!x) throw c.fail('the input shape must be known at import');
  if (!S || (c.has(2) && !Z)) throw c.fail('scale and zero point must be constants (initializers)');
  const L = layout(c, x, S.dims, Z?.dims);
  if (L.block) throw c.fail('blocked quantization (block_size > 0) of a non-constant input is not supported');
  const perTensor = S.data.length === 1, bshape = x.map((d, k) => (k === L.ax ? d : 1));
  const param = (k: Const, n: string) => c.param(`${c.name}_${n}`, makeConst(bshape, DT.FLOAT, Array.from(k.data)));
  const bin = (op: string, sc: string, y: Symbol, k: Const, n: string) => (perTensor ? c.mx(`_${sc}_scalar`, [y], { scalar: k.data[0] }, n) : c.mx(`broadcast_${op}`, [y, param(k, n)], {}, n));
  if (c.op === 'DequantizeLinear') {
    const y = Z && Z.data.some((v) => v !== 0) ? bin('sub', 'minus', c.sym(0), Z, 'zp') : c.sym(0);
    return perTensor ? c.mx('_mul_scalar', [y], { scalar: S.data[0] }) : c.mx('broadcast_mul', [y, param(S, 'scale')]);
  }
  const [lo, hi] = RANGE[qType(c, Z?.type)];
  let y = c.mx('rint', [bin('div', 'div', c.sym(0), S, 'div')], {}, 'rint');
  if (Z && Z.data.some((v) => v !== 0)) y = bin('add', 'plus', y, Z, 'zp');
  return c.mx('clip', [y], { a_min: lo, a_max: hi });
};

export const QUANT_MAP: Record<string, Mapper> = { QuantizeLinear: quantOp, DequantizeLinear: quantOp };
