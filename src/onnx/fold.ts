/**
 * Constant folding at import: a node whose inputs are all constants (initializers, Constant nodes,
 * Shape of a statically shaped value) is evaluated here on host arrays, so shape subgraphs
 * (Shape → Gather → Unsqueeze → Concat → Reshape) never reach the executor. Integer shape values
 * carry `dyn` tags: true where the value follows a symbolic (batch) dimension.
 */
import type { NodeCtx, Val } from './context.js';
import { DT, isFloatType, type Const } from './tensor.js';
import { foldQuant } from './ops-quant.js';
import { bshape, broadcastTo, makeConst, mapIndex, reshapeDims, sliceBounds, sliceLen, squeezeAxes, strides, unsqueezeDims } from './shapes.js';

type Folder = (c: NodeCtx, ins: Const[], dyn: (boolean[] | undefined)[]) => Val[] | undefined;

const BIN: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b, Pow: (a, b) => a ** b,
  Equal: (a, b) => +(a === b), Less: (a, b) => +(a < b), Greater: (a, b) => +(a > b),
  LessOrEqual: (a, b) => +(a <= b), GreaterOrEqual: (a, b) => +(a >= b), Max: Math.max, Min: Math.min,
  And: (a, b) => +(!!a && !!b), Or: (a, b) => +(!!a || !!b), Mod: (a, b) => a - Math.floor(a / b) * b,
};
const UN: Record<string, (a: number) => number> = {
  Neg: (a) => -a, Sqrt: Math.sqrt, Floor: Math.floor, Ceil: Math.ceil, Abs: Math.abs, Not: (a) => +!a, Exp: Math.exp,
  Log: Math.log, Reciprocal: (a) => 1 / a, Relu: (a) => Math.max(a, 0), Sign: Math.sign,
};
const CMP = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Not']);

const one = (c: Const, dyn?: boolean[]): Val[] => [{ c, dyn }];
const anyDyn = (d: (boolean[] | undefined)[]) => d.some((x) => x?.some(Boolean));

function binary(c: NodeCtx, [a, b]: Const[], dyn: (boolean[] | undefined)[]): Val[] {
  const f = BIN[c.op], dims = bshape(c, a.dims, b.dims), x = broadcastTo(a, dims), y = broadcastTo(b, dims);
  const out = new Float64Array(x.length);
  const intDiv = c.op === 'Div' && !isFloatType(a.type);
  for (let i = 0; i < x.length; i++) out[i] = c.op === 'Div' ? (intDiv ? Math.trunc(x[i] / y[i]) : x[i] / y[i]) : f(x[i], y[i]);
  const type = CMP.has(c.op) ? DT.BOOL : a.type;
  const d = anyDyn(dyn) && out.length === (dyn[0]?.length ?? -1) ? dyn[0]!.map((v, i) => v || !!dyn[1]?.[i % (dyn[1].length || 1)]) : undefined;
  return one(makeConst(dims, type, out), d);
}

const FOLD: Record<string, Folder> = {
  Identity: (_c, [a], [d]) => one(a, d),
  Dropout: (_c, [a], [d]) => [{ c: a, dyn: d }, { c: makeConst(a.dims, DT.BOOL, new Float64Array(a.data.length).fill(1)) }],
  Cast: (c, [a], [d]) => {
    const to = c.i('to', DT.FLOAT);
    const wrap = to === DT.UINT8 ? (x: number) => x & 255 : to === DT.INT8 ? (x: number) => (x << 24) >> 24 : (x: number) => x;
    const v = Array.from(a.data, (x) => (isFloatType(to) ? x : to === DT.BOOL ? +!!x : wrap(Math.trunc(x))));
    return one(makeConst(a.dims, to, v), d);
  },
  Gather: (c, [a, idx], [d]) => {
    const r = a.dims.length, ax0 = c.i('axis', 0), ax = ax0 < 0 ? ax0 + r : ax0;
    if (!(ax >= 0 && ax < r)) throw c.fail(`axis ${ax0} out of range`);
    const ii = Array.from(idx.data, (v) => (v < 0 ? v + a.dims[ax] : v));
    if (ii.some((v) => !(v >= 0 && v < a.dims[ax]))) throw c.fail(`gather index out of range for dim ${a.dims[ax]}`);
    const dims = [...a.dims.slice(0, ax), ...idx.dims, ...a.dims.slice(ax + 1)], ni = idx.dims.length;
    const out = mapIndex(dims, a.data, strides(a.dims), (o) => [...o.slice(0, ax), ii[flat(o.slice(ax, ax + ni), idx.dims)], ...o.slice(ax + ni)]);
    const dd = d && r === 1 ? ii.map((v) => d[v]) : undefined;
    return one(makeConst(dims, a.type, out), dd);
  },
  Unsqueeze: (c, [a, ax], [d]) => one({ ...a, dims: unsqueezeDims(c, a.dims, c.opset >= 13 ? Array.from(ax?.data ?? []) : c.ints('axes', [])!) }, d),
  Squeeze: (c, [a, ax], [d]) => {
    const axes = c.opset >= 13 ? (ax ? Array.from(ax.data) : undefined) : c.ints('axes');
    const sq = squeezeAxes(c, a.dims, axes);
    return one({ ...a, dims: a.dims.filter((_, k) => !sq.includes(k)) }, d);
  },
  Reshape: (c, [a, s], [d]) => one({ ...a, dims: reshapeDims(c, a.dims, Array.from(s.data), !!c.i('allowzero', 0)) }, d),
  Flatten: (c, [a], [d]) => {
    const r = a.dims.length, ax0 = c.i('axis', 1), ax = ax0 < 0 ? ax0 + r : ax0;
    const p = (x: number[]) => x.reduce((u, v) => u * v, 1);
    return one({ ...a, dims: [p(a.dims.slice(0, ax)), p(a.dims.slice(ax))] }, d);
  },
  Concat: (c, ins, dyn) => {
    const r = ins[0].dims.length, ax0 = c.i('axis', 0), ax = ax0 < 0 ? ax0 + r : ax0;
    const dims = [...ins[0].dims];
    dims[ax] = ins.reduce((p, t) => p + t.dims[ax], 0);
    const outer = ins[0].dims.slice(0, ax).reduce((p, v) => p * v, 1), vals: number[] = [];
    for (let o = 0; o < outer; o++) for (const t of ins) { const blk = t.data.length / (outer || 1); for (let j = 0; j < blk; j++) vals.push(t.data[o * blk + j]); }
    const dd = r === 1 && anyDyn(dyn) ? ins.flatMap((t, k) => dyn[k] ?? new Array(t.data.length).fill(false)) : undefined;
    return one(makeConst(dims, ins[0].type, vals), dd);
  },
  Slice: (c, [a, st, en, ax, sp], [d]) => {
    const b = c.opset >= 10
      ? sliceBounds(c, a.dims, Array.from(st.data), Array.from(en.data), ax && Array.from(ax.data), sp && Array.from(sp.data))
      : sliceBounds(c, a.dims, c.ints('starts', [])!, c.ints('ends', [])!, c.ints('axes'), undefined);
    const dims = b.map(sliceLen);
    const out = mapIndex(dims, a.data, strides(a.dims), (o) => o.map((v, k) => b[k][0] + v * b[k][2]));
    const dd = d && a.dims.length === 1 ? Array.from({ length: dims[0] }, (_, i) => d[b[0][0] + i * b[0][2]]) : undefined;
    return one(makeConst(dims, a.type, out), dd);
  },
  Transpose: (c, [a]) => {
    const r = a.dims.length, perm = c.ints('perm') ?? [...Array(r).keys()].reverse(), s = strides(a.dims);
    const dims = perm.map((p) => a.dims[p]);
    return one(makeConst(dims, a.type, mapIndex(dims, a.data, perm.map((p) => s[p]), (o) => o)));
  },
  Expand: (c, [a, s]) => { const dims = bshape(c, a.dims, Array.from(s.data)); return one(makeConst(dims, a.type, broadcastTo(a, dims))); },
  ConstantOfShape: (c, [s]) => {
    const v = c.t('value'), dims = Array.from(s.data);
    return one(makeConst(dims, v?.type ?? DT.FLOAT, new Float64Array(dims.reduce((p, x) => p * x, 1)).fill(v ? v.data[0] : 0)));
  },
  Range: (c, [s, l, dl]) => {
    const a = s.data[0], n = Math.max(Math.ceil((l.data[0] - a) / dl.data[0]), 0);
    return one(makeConst([n], s.type, Array.from({ length: n }, (_, i) => a + i * dl.data[0])));
  },
  Where: (c, [cond, x, y]) => {
    const dims = bshape(c, bshape(c, cond.dims, x.dims), y.dims), cc = broadcastTo(cond, dims), xx = broadcastTo(x, dims), yy = broadcastTo(y, dims);
    return one(makeConst(dims, x.type, cc.map((v, i) => (v ? xx[i] : yy[i]))));
  },
  Div: binary,
  QuantizeLinear: foldQuant, DequantizeLinear: foldQuant,
  ReduceProd: (c, [a]) => (a.dims.length === 1 && c.i('keepdims', 1) === 0 && !c.hasAttr('axes') ? one(makeConst([], a.type, [Array.from(a.data).reduce((p, v) => p * v, 1)])) : undefined),
};
for (const k of Object.keys(BIN)) FOLD[k] = binary;
for (const [k, f] of Object.entries(UN)) FOLD[k] = (c, [a], [d]) => one(makeConst(a.dims, CMP.has(k) ? DT.BOOL : a.type, Array.from(a.data, f)), d);

function flat(idx: number[], dims: number[]): number {
  let o = 0;
  for (let k = 0; k < dims.length; k++) o = o * dims[k] + idx[k];
  return o;
}

const BIG_OK = new Set(['Identity', 'Transpose', 'Reshape', 'Unsqueeze', 'Squeeze', 'Flatten', 'DequantizeLinear', 'QuantizeLinear']);

/** Ops whose input 0 need only a static shape, not a value. */
function shapeOf(c: NodeCtx): Val[] | undefined {
  const s = c.shape(0), dyn = c.dynDims(0);
  if (!s) return undefined;
  const r = s.length, clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const a = c.opset >= 15 ? clamp(c.i('start', 0)) : 0, b = c.opset >= 15 && c.hasAttr('end') ? clamp(c.i('end', r)) : r;
  return one(makeConst([Math.max(b - a, 0)], DT.INT64, s.slice(a, b)), dyn?.slice(a, b));
}

/**
 * Folds the node if it can (all given inputs constant, or Shape/Size of a statically shaped value).
 * @example tryFold(ctx) // → [{ c: { dims: [4], type: 7, data } }] for Shape of a 4-D input
 */
export function tryFold(c: NodeCtx): Val[] | undefined {
  if (c.op === 'Shape') return shapeOf(c);
  if (c.op === 'Size') { const s = c.shape(0); return s && !c.dynDims(0)?.some(Boolean) ? one(makeConst([], DT.INT64, [s.reduce((p, v) => p * v, 1)])) : undefined; }
  const f = FOLD[c.op];
  if (!f || c.nIn === 0) return undefined;
  const ins: Const[] = [], dyn: (boolean[] | undefined)[] = [];
  for (let i = 0; i < c.nIn; i++) {
    if (!c.has(i)) { ins.push(undefined as never); dyn.push(undefined); continue; }
    const v = c.val(i);
    if (!v.c) return undefined;
    ins.push(v.c); dyn.push(v.dyn);
  }
  // big float computations stay on the executor; folding is for shapes, small constants and weights' layout / dequantization
  if (ins.some((t) => t && t.data.length > 1 << 16) && !BIG_OK.has(c.op)) return undefined;
  return f(c, ins, dyn);
}
