/**
 * ONNX → mxwasm for TopK (topk, ret_typ both), DepthToSpace (DCR: depth_to_space; CRD: Reshape/transpose),
 * SpaceToDepth (space_to_depth), GatherND and GatherElements (gather_nd: MXNet's indices put the
 * coordinate axis first, ONNX's last), ScatterND / ScatterElements / Scatter (_scatter_set_nd; reduction add: + _backward_gather_nd; mul/max/min: _scatter_reduce_nd),
 * Range with non-constant inputs refused (constant ones fold).
 */
import type { Symbol } from '../symbol/symbol.js';
import { axis, type NodeCtx } from './context.js';
import type { Mapper } from './ops-nn.js';
import { DT } from './tensor.js';

const TopK: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const ax = axis(c, c.i('axis', -1), x.length), k = c.opset >= 10 ? c.constInts(1, 'K')[0] : c.i('k', 0);
  if (!(k >= 1 && k <= x[ax])) throw c.fail(`K = ${k} must be in [1, ${x[ax]}] (axis ${ax})`);
  if (c.dynDims(0)?.[ax]) throw c.fail(`axis ${ax} is dynamic (symbolic)`);
  // sorted = 0 leaves the order unspecified: sorted output is one valid answer
  const t = c.mx('topk', [c.sym(0)], { axis: ax, k, ret_typ: 'both', is_ascend: c.opset >= 11 && !c.i('largest', 1) });
  return [t.get(0), t.get(1)];
};

/** Reshape codes that keep a dynamic batch (0 = copy the input's first dim). */
const batchCode = (c: NodeCtx, dims: number[]) => (c.dynDims(0)?.[0] ? [0, ...dims.slice(1)] : dims);

const DepthToSpace: Mapper = (c) => {
  const x = c.shape(0), b = c.i('blocksize', 0), mode = c.opset >= 11 ? c.s('mode', 'DCR') : 'DCR';
  if (!x || x.length !== 4) throw c.fail('the input must be 4-d (N, C, H, W) with a known shape');
  if (!(b >= 1) || x[1] % (b * b)) throw c.fail(`blocksize ${b} must be >= 1 with channels ${x[1]} a multiple of blocksize^2`);
  if (mode === 'DCR') return c.mx('depth_to_space', [c.sym(0)], { block_size: b });
  if (mode !== 'CRD') throw c.fail(`mode ${mode} is not DCR or CRD`);
  const [N, C, H, W] = x, c2 = C / (b * b);
  const r = c.mx('Reshape', [c.sym(0)], { shape: batchCode(c, [N, c2, b, b, H, W]) }, 'r6');
  const t = c.mx('transpose', [r], { axes: [0, 1, 4, 2, 5, 3] }, 't');
  return c.mx('Reshape', [t], { shape: [batchCode(c, [N])[0], c2, H * b, W * b] });
};

const SpaceToDepth: Mapper = (c) => {
  const x = c.shape(0), b = c.i('blocksize', 0);
  if (!x || x.length !== 4) throw c.fail('the input must be 4-d (N, C, H, W) with a known shape');
  if (!(b >= 1) || x[2] % b || x[3] % b) throw c.fail(`blocksize ${b} must be >= 1 and divide H ${x[2]} and W ${x[3]}`);
  return c.mx('space_to_depth', [c.sym(0)], { block_size: b });
};

/** Indices (..., M) → MXNet's (M, ...) as a constant parameter (normalised) or a transposed Symbol. */
function coordsFirst(c: NodeCtx, x: number[]): Symbol {
  const idx = c.const(1), s = c.shape(1);
  if (!s || !s.length) throw c.fail('indices need a known shape of rank >= 1');
  const M = s[s.length - 1], r = s.length;
  if (!(M >= 1 && M <= Math.min(5, x.length))) throw c.fail(`indices' last dimension ${M} must be in [1, min(5, rank ${x.length})]`);
  if (idx) {
    const n = idx.data.length / M, out = new Float32Array(idx.data.length);
    for (let i = 0; i < n; i++) for (let m = 0; m < M; m++) {
      let v = idx.data[i * M + m];
      if (v < 0) v += x[m];
      if (!(v >= 0 && v < x[m])) throw c.fail(`index ${idx.data[i * M + m]} is out of range for dimension ${m} of size ${x[m]}`);
      out[m * n + i] = v;
    }
    return c.param(`${c.name}_indices`, { dims: [M, ...s.slice(0, -1)], type: DT.FLOAT, data: out });
  }
  return c.mx('transpose', [c.sym(1)], { axes: [r - 1, ...Array.from({ length: r - 1 }, (_, k) => k)] }, 'idx');
}

const GatherND: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the data shape must be known at import');
  if (c.i('batch_dims', 0)) throw c.fail('batch_dims > 0 is not supported');
  return c.mx('gather_nd', [c.sym(0), coordsFirst(c, x)]);
};

/** GatherElements / ScatterElements coordinates: (rank, ...indices shape), each position's own index on every axis but `axis`. */
function elementCoords(c: NodeCtx, x: number[]): Symbol {
  const s = c.shape(1), idx = c.const(1);
  if (!s || s.length !== x.length) throw c.fail('data and indices need known shapes of the same rank');
  const r = x.length, ax = axis(c, c.i('axis', 0), r);
  if (r > 5) throw c.fail(`rank ${r} > 5 is not supported`);
  if (c.dynDims(1)?.some(Boolean) && !idx) throw c.fail('indices with a dynamic (symbolic) shape are not supported');
  const n = s.reduce((p, v) => p * v, 1), st = s.map((_, k) => s.slice(k + 1).reduce((p, v) => p * v, 1));
  const coords = new Float32Array(r * n);
  for (let i = 0; i < n; i++) for (let a = 0; a < r; a++) coords[a * n + i] = Math.floor(i / st[a]) % s[a];
  if (idx) {
    for (let i = 0; i < n; i++) {
      const v = idx.data[i] < 0 ? idx.data[i] + x[ax] : idx.data[i];
      if (!(v >= 0 && v < x[ax])) throw c.fail(`index ${idx.data[i]} is out of range for axis ${ax} of size ${x[ax]}`);
      coords[ax * n + i] = v;
    }
    return c.param(`${c.name}_indices`, { dims: [r, ...s], type: DT.FLOAT, data: coords });
  }
  // data indices: the fixed coordinates as a constant, the axis row from the indices (negatives wrap in the kernel)
  const parts: Symbol[] = [];
  const fixed = (a0: number, a1: number, tag: string) => { if (a1 > a0) parts.push(c.param(`${c.name}_${tag}`, { dims: [a1 - a0, ...s], type: DT.FLOAT, data: coords.slice(a0 * n, a1 * n) })); };
  fixed(0, ax, 'lo');
  parts.push(c.mx('expand_dims', [c.sym(1)], { axis: 0 }, 'ax'));
  fixed(ax + 1, r, 'hi');
  return parts.length === 1 ? parts[0] : c.mx('Concat', parts, { dim: 0, num_args: parts.length }, 'coords');
}

const GatherElements: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the data shape must be known at import');
  return c.mx('gather_nd', [c.sym(0), elementCoords(c, x)]);
};

/** ScatterND / ScatterElements (and opset-9 Scatter): a copy of data with the indexed blocks set in order (_scatter_set_nd), or added. */
function scatter(elements: boolean): Mapper {
  return (c) => {
    const x = c.shape(0);
    if (!x) throw c.fail('the data shape must be known at import');
    const red = c.opset >= 16 ? c.s('reduction', 'none') : 'none';
    const reds = c.opset >= 18 ? ['none', 'add', 'mul', 'max', 'min'] : ['none', 'add', 'mul'];
    if (!reds.includes(red)) throw c.fail(`reduction ${red} is not one of ${reds.join(', ')}`);
    if (c.dynDims(0)?.some(Boolean) || c.dynDims(2)?.some(Boolean)) throw c.fail('data and updates with dynamic (symbolic) dims are not supported');
    const idx = elements ? elementCoords(c, x) : coordsFirst(c, x), s = c.shape(1)!, u = c.shape(2);
    const want = elements ? s : [...s.slice(0, -1), ...x.slice(s[s.length - 1])];
    if (!u || u.join(',') !== want.join(',')) throw c.fail(`updates [${u?.join(', ') ?? '?'}] must be [${want.join(', ')}] for indices [${s.join(', ')}] and data [${x.join(', ')}]`);
    if (red === 'none') return c.mx('_scatter_set_nd', [c.sym(0), c.sym(2), idx], { shape: x });
    if (red !== 'add') return c.mx('_scatter_reduce_nd', [c.sym(0), c.sym(2), idx], { reduction: red });
    // add: data + the updates summed into zeros (the same sums as in place where indices are distinct)
    return c.mx('elemwise_add', [c.sym(0), c.mx('_backward_gather_nd', [c.sym(2), idx], { shape: x }, 'add')]);
  };
}

export const INDEX_MAP: Record<string, Mapper> = {
  TopK, DepthToSpace, SpaceToDepth, GatherND, GatherElements, ScatterND: scatter(false), ScatterElements: scatter(true), Scatter: scatter(true),
};
