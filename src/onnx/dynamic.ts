/**
 * ONNX ops with data-dependent output shapes: NonMaxSuppression (_contrib_non_max_suppression), NonZero
 * (_npx_nonzero, transposed), Compress (_contrib_boolean_mask) and Unique (_npi_unique; sorted = 0 reorders by
 * first occurrence with topk/take). At import each such output is seen as a placeholder variable whose
 * data-dependent dims are symbolic (31 and 37 in the two inference settings), so the nodes after it map as they do
 * after a dynamic batch (Shape, Reshape, Gather...); `substituteDynamic` then puts the real op in its place. The
 * executor runs the graph in static segments between these ops (src/executor/segments.ts).
 */
import type { NodeEntry, Node } from '../graph/node.js';
import { dfsOrder } from '../graph/node.js';
import { Variable } from '../symbol/create.js';
import { Symbol } from '../symbol/symbol.js';
import { axis, type NodeCtx } from './context.js';
import type { Mapper } from './ops-nn.js';

/** Placeholder variable name -> the real output it stands for (per import). */
const REAL = new WeakMap<object, Map<string, NodeEntry>>();
const DYN1 = 31, DYN2 = 37;

/**
 * A placeholder for output `real` of a dynamic op: `dims` with the axes in `dyn` data-dependent.
 * @example dynamicOut(c, c.mx('_npx_nonzero', [c.sym(0)]), [0, 2], [0])
 */
export function dynamicOut(c: NodeCtx, real: Symbol, dims: number[], dyn: number[], k = 0): Symbol {
  let name = `${c.name}__dyn${k}`, i = 1;
  while (c.st.used.has(name)) name = `${c.name}__dyn${k}_${i++}`;
  c.st.used.add(name);
  c.st.shapes1[name] = dims.map((d, a) => (dyn.includes(a) ? DYN1 : d));
  c.st.shapes2[name] = dims.map((d, a) => (dyn.includes(a) ? DYN2 : d));
  let m = REAL.get(c.st);
  if (!m) REAL.set(c.st, (m = new Map()));
  m.set(name, real.outputs[0]);
  return Variable(name);
}

/**
 * The heads with every placeholder replaced by the output it stands for (recursively: a dynamic op may read another's).
 * @example const sym = substituteDynamic(st, Group(heads))
 */
export function substituteDynamic(st: object, sym: Symbol): Symbol {
  const m = REAL.get(st);
  if (!m?.size) return sym;
  const memo = new Map<Node, Node>();
  const entry = (e: NodeEntry): NodeEntry => {
    const r = e.node.op === 'null' ? m.get(e.node.name) : undefined;
    return r ? entry(r) : { ...e, node: node(e.node) };
  };
  const node = (n: Node): Node => {
    let v = memo.get(n);
    if (!v) {
      // inputs first, in DFS order, so that deep graphs do not recurse through every node
      for (const d of dfsOrder(n.inputs)) if (d !== n && !memo.has(d) && d.inputs.length) memo.set(d, { ...d, inputs: d.inputs.map(entry) });
      v = n.inputs.length ? { ...n, inputs: n.inputs.map(entry) } : n;
      memo.set(n, v);
    }
    return v;
  };
  return new Symbol(sym.outputs.map(entry));
}

const NonZero: Mapper = (c) => {
  const x = c.shape(0);
  if (!x?.length) throw c.fail('the input must have a known shape of rank >= 1');
  const nz = c.mx('_npx_nonzero', [c.sym(0)], {}, 'nz');
  return dynamicOut(c, c.mx('transpose', [nz], { axes: [1, 0] }), [x.length, 0], [1]);
};

const Compress: Mapper = (c) => {
  let x = c.shape(0);
  const cond = c.shape(1);
  if (!x || !cond) throw c.fail('the input and condition shapes must be known at import');
  if (cond.length !== 1) throw c.fail(`condition must be 1-D, got rank ${cond.length}`);
  let data = c.sym(0), ax = 0;
  if (c.hasAttr('axis')) ax = axis(c, c.i('axis', 0), x.length);
  else { data = c.mx('Reshape', [data], { shape: [-1] }, 'flat'); x = [x.reduce((p, d) => p * d, 1)]; }
  if (c.dynDims(0)?.[ax]) throw c.fail(`axis ${ax} is dynamic (symbolic)`);
  if (cond[0] > x[ax]) throw c.fail(`condition has ${cond[0]} values, more than the ${x[ax]} along axis ${ax}`);
  if (cond[0] < x[ax]) data = c.mx('slice_axis', [data], { axis: ax, begin: 0, end: cond[0] }, 'head');
  const dims = x.map((d, k) => (k === ax ? 0 : d));
  return dynamicOut(c, c.mx('_contrib_boolean_mask', [data, c.sym(1)], { axis: ax }), dims, [ax]);
};

const NonMaxSuppression: Mapper = (c) => {
  const b = c.shape(0), s = c.shape(1);
  if (!b || !s) throw c.fail('the boxes and scores shapes must be known at import');
  if (b.length !== 3 || b[2] !== 4 || s.length !== 3 || s[0] !== b[0] || s[2] !== b[1]) throw c.fail(`boxes [${b.join(', ')}] must be [batch, n, 4] and scores [${s.join(', ')}] [batch, classes, n]`);
  const attrs: Record<string, unknown> = { center_point_box: c.i('center_point_box', 0) };
  const ins = [c.sym(0), c.sym(1)], tensors: string[] = [];
  (['max_output_boxes_per_class', 'iou_threshold', 'score_threshold'] as const).forEach((name, k) => {
    if (!c.has(2 + k)) return;
    const v = c.const(2 + k);
    if (v) {
      if (v.data.length !== 1) throw c.fail(`${name} must hold one value, got ${v.data.length}`);
      if (k === 0 && !(v.data[0] >= 0)) throw c.fail(`max_output_boxes_per_class must be >= 0, got ${v.data[0]}`);
      attrs[name] = k === 0 ? Math.min(Number(v.data[0]), 2 ** 31 - 1) : Number(v.data[0]);
    } else { ins.push(c.sym(2 + k)); tensors.push(name); }
  });
  if (tensors.length) attrs.tensor_args = tensors.join(',');
  return dynamicOut(c, c.mx('_contrib_non_max_suppression', ins, attrs), [0, 3], [0]);
};

const Unique: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const hasAx = c.hasAttr('axis'), ax = hasAx ? axis(c, c.i('axis', 0), x.length) : 0;
  if (hasAx && c.dynDims(0)?.[ax]) throw c.fail(`axis ${ax} is dynamic (symbolic)`);
  const n = hasAx ? x[ax] : x.reduce((p, d) => p * d, 1);
  const u = c.mx('_npi_unique', [c.sym(0)], { return_index: true, return_inverse: true, return_counts: true, axis: hasAx ? ax : null });
  const yDims = hasAx ? x.map((d, k) => (k === ax ? 0 : d)) : [0];
  const y = dynamicOut(c, u.get(0), yDims, [hasAx ? ax : 0], 0), first = dynamicOut(c, u.get(1), [0], [0], 1);
  const inv = dynamicOut(c, u.get(2), [n], [], 2), counts = dynamicOut(c, u.get(3), [0], [0], 3);
  if (c.i('sorted', 1)) return [y, first, inv, counts];
  // first-occurrence order: perm sorts the first indices; its own argsort maps sorted places to unsorted ones
  const perm = c.mx('topk', [first], { axis: 0, k: 0, ret_typ: 'indices', is_ascend: true }, 'perm');
  const back = c.mx('topk', [perm], { axis: 0, k: 0, ret_typ: 'indices', is_ascend: true }, 'back');
  const take = (v: Symbol, a: number, sfx: string) => c.mx('take', [v, perm], { axis: a }, sfx);
  return [take(y, hasAx ? ax : 0, 'y'), take(first, 0, 'first'), c.mx('take', [back, inv], { axis: 0 }, 'inv'), take(counts, 0, 'counts')];
};

export const DYNAMIC_MAP: Record<string, Mapper> = { NonMaxSuppression, NonZero, Compress, Unique };
