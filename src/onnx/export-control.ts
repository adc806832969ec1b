// Control flow back to ONNX: _foreach → Loop (trip count = the data's length, each slice a Gather in the body),
// _while_loop → Loop (the cond graph before the loop and at the end of the body, max_iterations as M; step outputs
// zero-padded to max_iterations rows after it, as MXNet's), _cond → If (the cond graph before it, each branch a graph).
import { MxError } from '../errors.js';
import type { Node, NodeEntry } from '../graph/node.js';
import type { GraphSpec, NodeSpec, ValueSpec } from './encode.js';
import type { ExportCtx } from './export-ctx.js';
import { DT } from './tensor.js';

const fail = (n: Node, msg: string) => new MxError('unsupported', `exportModel: ${n.op} (node ${n.name}): ${msg}`, { op: n.op, node: n.name });
const out = (n: Node, k: number) => (k === 0 ? n.name : `${n.name}${k}`);
/** A body's variable names in `list_inputs()` order (DFS order of its variable nodes). */
function inputNames(g: readonly NodeEntry[]): string[] {
  const seen = new Set<Node>(), names: string[] = [];
  const visit = (nd: Node) => { if (seen.has(nd)) return; seen.add(nd); nd.inputs.forEach((e) => visit(e.node)); if (nd.op === 'null') names.push(nd.name); };
  g.forEach((e) => visit(e.node));
  return names;
}
const bodiesOf = (n: Node, k: number) => {
  if (n.subgraphs?.length !== k) throw fail(n, `needs ${k} subgraphs`);
  return n.subgraphs;
};
/** Shapes of a body's inputs by name, from the op's inputs at `locs` (`map` adjusts one, e.g. a data slice). */
function shapesAt(c: ExportCtx, n: Node, names: string[], at: (k: number) => number, map = (s: number[]) => s): Record<string, number[]> {
  const r: Record<string, number[]> = {};
  names.forEach((nm, k) => { const s = c.shape(n.inputs[at(k)]); if (s) r[nm] = map(s); });
  return r;
}
/** Identity nodes giving each output a fresh name of its own (a graph output may not be an input or repeat). */
function outs(c: ExportCtx, nodes: NodeSpec[], names: string[], base: string): ValueSpec[] {
  return names.map((src, k) => { const nm = c.fresh(`${base}_out${k}`); nodes.push({ opType: 'Identity', inputs: [src], outputs: [nm], name: c.fresh(`${nm}_node`) }); return { name: nm }; });
}
/** The cond graph's scalar as a bool tensor (MXNet reads any non-zero as true). */
function condBool(c: ExportCtx, nodes: NodeSpec[] | undefined, g: readonly NodeEntry[], shapes: Record<string, number[]>, vn: (name: string) => string, base: string): string {
  const nm = c.emit(g, shapes, vn, nodes)(g[0]), b = c.fresh(`${base}_bool`);
  const node: NodeSpec = { opType: 'Cast', inputs: [nm], outputs: [b], name: c.fresh(`${b}_node`), attrs: { to: DT.BOOL } };
  if (nodes) nodes.push(node); else c.node('Cast', [nm], [b], { to: DT.BOOL });
  return b;
}

const foreach = (c: ExportCtx, n: Node): void => {
  const [g] = bodiesOf(n, 1), names = inputNames(g), a = n.attrs;
  const dl = a.in_data_locs as number[], sl = a.in_state_locs as number[], rl = a.remain_locs as number[], nOD = a.num_out_data as number;
  const ins = n.inputs.map((e) => c.name(e)), T = c.shape(n.inputs[0])?.[0];
  if (T === undefined) throw fail(n, 'the data shape is unknown');
  const opIn = (k: number) => { const i = dl.indexOf(k); if (i >= 0) return i; const j = sl.indexOf(k); return j >= 0 ? dl.length + j : dl.length + sl.length + rl.indexOf(k); };
  const nodes: NodeSpec[] = [], iter = c.fresh(`${n.name}_iter`), condIn = c.fresh(`${n.name}_cond_in`), states = sl.map((_, j) => c.fresh(`${n.name}_state${j}`));
  const idx = c.fresh(`${n.name}_idx`), shape1 = c.init(`${n.name}_one`, [1], [1], DT.INT64);
  nodes.push({ opType: 'Reshape', inputs: [iter, shape1], outputs: [idx], name: c.fresh(`${idx}_node`) });
  const slices = dl.map((_, i) => {
    const r = c.shape(n.inputs[i])!.length, s = c.fresh(`${n.name}_slice${i}`), raw = r > 1 ? c.fresh(`${s}_raw`) : s;
    nodes.push({ opType: 'Gather', inputs: [ins[i], idx], outputs: [raw], name: c.fresh(`${raw}_node`), attrs: { axis: 0 } });
    const sq = c.opset >= 13 ? [raw, c.init(`${n.name}_axis0`, [1], [0], DT.INT64)] : [raw];
    if (r > 1) nodes.push({ opType: 'Squeeze', inputs: sq, outputs: [s], name: c.fresh(`${s}_node`), attrs: c.opset >= 13 ? {} : { axes: [0] } });
    return s;
  });
  const vn = (nm: string) => { const k = names.indexOf(nm), i = opIn(k); return i < dl.length ? slices[i] : i < dl.length + sl.length ? states[i - dl.length] : ins[i]; };
  const shapes = shapesAt(c, n, names, opIn, (s) => s);
  dl.forEach((k) => { const s = shapes[names[k]]; if (s) shapes[names[k]] = s.length > 1 ? s.slice(1) : [1]; });
  const nameOf = c.emit(g, shapes, vn, nodes);
  const cond = c.fresh(`${n.name}_cond_out`);
  nodes.push({ opType: 'Identity', inputs: [condIn], outputs: [cond], name: c.fresh(`${cond}_node`) });
  const bodyOuts = [...g.slice(nOD), ...g.slice(0, nOD)].map(nameOf);
  const body: GraphSpec = {
    name: `${n.name}_body`, nodes,
    inputs: [{ name: iter, dims: [], type: DT.INT64 }, { name: condIn, dims: [], type: DT.BOOL }, ...states.map((s, j) => ({ name: s, dims: c.shape(n.inputs[dl.length + j]) }))],
    outputs: [{ name: cond, dims: [], type: DT.BOOL }, ...outs(c, nodes, bodyOuts, n.name)],
  };
  const M = c.init(`${n.name}_M`, [], [T], DT.INT64), c0 = c.init(`${n.name}_cond`, [], [1], DT.BOOL);
  c.node('Loop', [M, c0, ...ins.slice(dl.length, dl.length + sl.length)], [...sl.map((_, j) => out(n, nOD + j)), ...Array.from({ length: nOD }, (_, i) => out(n, i))], { body: { g: body } });
};

const whileLoop = (c: ExportCtx, n: Node): void => {
  const [cg, fg] = bodiesOf(n, 2), a = n.attrs, cn = inputNames(cg), fn = inputNames(fg), ins = n.inputs.map((e) => c.name(e));
  const cl = a.cond_input_locs as number[], fl = a.func_input_locs as number[], vl = a.func_var_locs as number[], nOD = a.num_out_data as number, max = a.max_iterations as number;
  if (nOD && c.opset < 11) throw fail(n, 'step outputs are padded with Pad (opset 11 and later)');
  const vars = vl.map((l) => fl[l]), iter = c.fresh(`${n.name}_iter`), condIn = c.fresh(`${n.name}_cond_in`), lv = vars.map((_, j) => c.fresh(`${n.name}_var${j}`));
  const c0 = condBool(c, undefined, cg, shapesAt(c, n, cn, (k) => cl[k]), (nm) => ins[cl[cn.indexOf(nm)]], `${n.name}_cond0`);
  const nodes: NodeSpec[] = [];
  const fo = c.emit(fg, shapesAt(c, n, fn, (k) => fl[k]), (nm) => { const k = fn.indexOf(nm), j = vl.indexOf(k); return j >= 0 ? lv[j] : ins[fl[k]]; }, nodes);
  const next = vars.map((_, j) => fo(fg[nOD + j]));
  const cond = condBool(c, nodes, cg, shapesAt(c, n, cn, (k) => cl[k]), (nm) => { const i = cl[cn.indexOf(nm)], j = vars.indexOf(i); return j >= 0 ? next[j] : ins[i]; }, `${n.name}_cond`);
  const body: GraphSpec = {
    name: `${n.name}_body`, nodes,
    inputs: [{ name: iter, dims: [], type: DT.INT64 }, { name: condIn, type: DT.BOOL }, ...lv.map((s, j) => ({ name: s, dims: c.shape(n.inputs[vars[j]]) }))],
    outputs: [{ name: cond, type: DT.BOOL }, ...outs(c, nodes, [...next, ...fg.slice(0, nOD).map(fo)], n.name)],
  };
  const scans = Array.from({ length: nOD }, (_, i) => c.fresh(`${out(n, i)}_rows`));
  c.node('Loop', [c.init(`${n.name}_M`, [], [max], DT.INT64), c0, ...vars.map((i) => ins[i])], [...vars.map((_, j) => out(n, nOD + j)), ...scans], { body: { g: body } });
  scans.forEach((s, i) => { // MXNet's step outputs have max_iterations rows, zeros after the last iteration
    const r = c.shape({ node: n, index: i })?.length;
    if (!r) throw fail(n, `the shape of step output ${i} is unknown`);
    const shp = c.fresh(`${s}_shape`), len = c.fresh(`${s}_len`), pad = c.fresh(`${s}_pad`), pads = c.fresh(`${s}_pads`);
    c.node('Shape', [s], [shp]);
    c.node('Slice', [shp, c.init(`${s}_b`, [1], [0], DT.INT64), c.init(`${s}_e`, [1], [1], DT.INT64)], [len]);
    c.node('Sub', [c.init(`${s}_max`, [1], [max], DT.INT64), len], [pad]);
    c.node('Concat', [c.init(`${s}_z0`, [r], new Array(r).fill(0), DT.INT64), pad, c.init(`${s}_z1`, [r - 1], new Array(r - 1).fill(0), DT.INT64)], [pads], { axis: 0 });
    c.node('Pad', [s, pads], [out(n, i)]);
  });
};

const cond = (c: ExportCtx, n: Node): void => {
  const gs = bodiesOf(n, 3), a = n.attrs, ins = n.inputs.map((e) => c.name(e));
  const locs = [a.cond_input_locs, a.then_input_locs, a.else_input_locs] as number[][];
  const branch = (k: number): GraphSpec => {
    const names = inputNames(gs[k]), nodes: NodeSpec[] = [];
    const nameOf = c.emit(gs[k], shapesAt(c, n, names, (j) => locs[k][j]), (nm) => ins[locs[k][names.indexOf(nm)]], nodes);
    return { name: `${n.name}_${k === 1 ? 'then' : 'else'}`, nodes, inputs: [], outputs: outs(c, nodes, gs[k].map(nameOf), `${n.name}_${k}`) };
  };
  const names0 = inputNames(gs[0]);
  const b = condBool(c, undefined, gs[0], shapesAt(c, n, names0, (j) => locs[0][j]), (nm) => ins[locs[0][names0.indexOf(nm)]], `${n.name}_pred`);
  c.node('If', [b], Array.from({ length: a.num_outputs as number }, (_, k) => out(n, k)), { then_branch: { g: branch(1) }, else_branch: { g: branch(2) } });
};

/** The control-flow exporters, by op name (the comparisons their conditions use are export-index.ts's). */
export const CONTROL_EXPORTERS: Record<string, (c: ExportCtx, n: Node) => void> = {
  _foreach: foreach, _while_loop: whileLoop, _cond: cond,
};
