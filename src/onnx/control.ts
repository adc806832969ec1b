/**
 * ONNX control flow, resolved at import (the executor runs a flat program): If with a condition that folds to a
 * constant inlines the branch taken, with a run-time condition maps both branches and selects with `where` (outputs
 * of the same shapes and types only); Loop with a constant trip count (or a condition that folds to a constant at
 * every iteration) and Scan (9+, static sequence length) unroll, their bodies mapped once per iteration; a Loop whose
 * trip count or condition is data becomes MXNet's `_while_loop` (its body a subgraph run per iteration). Anything
 * else is refused with an MxError naming the node, op and opset.
 */
import type { NodeCtx, Val } from './context.js';
import type { OnnxGraph } from './proto.js';
import { makeConst } from './shapes.js';
import { DT, dtypeName, type Const } from './tensor.js';
import { whileLoop } from '../symbol/contrib.js';
import type { Symbol } from '../symbol/symbol.js';

/** Maps a subgraph's nodes with its inputs bound (outer values visible), returning its outputs. */
export type RunGraph = (g: OnnxGraph, bind: Val[]) => Val[];

/** The most iterations one Loop or Scan may unroll into (the graph grows with each). */
export const MAX_UNROLL = 1024;

function body(c: NodeCtx, name: string): OnnxGraph {
  const g = c.node.attribute.find((a) => a.name === name)?.g;
  if (!g) throw c.fail(`attribute ${name} (a graph) is required`);
  return g;
}

/** A value's static shape (symbolic dims at 1) and whether each dim follows a symbolic one. */
function shapeOf(c: NodeCtx, v: Val): { s?: number[]; dyn?: string } {
  if (v.c) return { s: [...v.c.dims], dyn: v.c.dims.map(() => 0).join(',') };
  const { s1, s2 } = c.symShape(v.s!);
  return { s: s1, dyn: s1 && s2 ? s1.map((d, k) => +(d !== s2[k])).join(',') : undefined };
}

const If = (c: NodeCtx, run: RunGraph): Val[] => {
  const cond = c.const(0), branch = (name: string, g = body(c, name)) => {
    if (g.input.length) throw c.fail('a branch graph must have no inputs');
    return run(g, []);
  };
  if (cond) {
    if (cond.data.length !== 1) throw c.fail(`the condition must have one element, got ${cond.data.length}`);
    return branch(cond.data[0] ? 'then_branch' : 'else_branch');
  }
  // a run-time condition: both branches run, `where` picks (a flat program; only where their outputs agree in shape and type)
  const cs = c.shape(0);
  if (!cs || cs.reduce((p, v) => p * v, 1) !== 1) throw c.fail(`the condition must have one element, got shape [${cs?.join(', ') ?? '?'}]`);
  const t = branch('then_branch'), e = branch('else_branch');
  const refuse = (msg: string) => c.fail(`${msg}: with a run-time condition both branches run and one is selected, which needs outputs of the same shapes and types`);
  if (t.length !== e.length) throw refuse(`then gives ${t.length} outputs, else ${e.length}`);
  return t.map((tv, k) => {
    const ev = e[k], ts = shapeOf(c, tv), es = shapeOf(c, ev);
    if (!ts.s || !es.s || ts.s.join(',') !== es.s.join(',') || ts.dyn !== es.dyn) throw refuse(`output ${k} is [${ts.s?.join(', ') ?? '?'}] in then, [${es.s?.join(', ') ?? '?'}] in else`);
    if (tv.c && ev.c && tv.c.type !== ev.c.type) throw refuse(`output ${k} is ${dtypeName(tv.c.type)} in then, ${dtypeName(ev.c.type)} in else`);
    if (!ts.s.length) throw refuse(`output ${k} is a 0-d tensor`);
    if (tv.c && ev.c && tv.c.data.every((x, i) => Object.is(x, ev.c!.data[i]))) return tv;
    const sym = (v: Val, tag: string) => v.s ?? c.param(`${c.name}_${tag}${k}`, v.c!), x = sym(tv, 'then'), y = sym(ev, 'else');
    const cnd = c.mx('broadcast_like', [c.mx('Reshape', [c.sym(0)], { shape: ts.s.map(() => 1) }, `c${k}`), x], {}, `cb${k}`);
    return { s: c.mx('where', [cnd, x, y], {}, `w${k}`) };
  });
};

/** Per-iteration values stacked on a new axis (constants fold; Symbols via expand_dims + Concat). */
function stack(c: NodeCtx, vals: Val[], ax: number, tag: string): Val {
  if (vals.every((v) => v.c)) {
    const cs = vals.map((v) => v.c!), d = cs[0].dims, inner = d.slice(ax).reduce((p, v) => p * v, 1), outer = cs[0].data.length / (inner || 1);
    const out: number[] = [];
    for (let o = 0; o < outer; o++) for (const t of cs) for (let i = 0; i < inner; i++) out.push(t.data[o * inner + i]);
    return { c: makeConst([...d.slice(0, ax), cs.length, ...d.slice(ax)], cs[0].type, out) };
  }
  const syms = vals.map((v, k) => c.mx('expand_dims', [v.s ?? c.param(`${c.name}_${tag}${k}`, v.c!)], { axis: ax }, `${tag}${k}`));
  return { s: syms.length === 1 ? syms[0] : c.mx('Concat', syms, { dim: ax, num_args: syms.length }, tag) };
}

/** A Loop that cannot unroll (its trip count or condition is data): refused by `unroll`, mapped by `loopAtRunTime`. */
class RunTime extends Error {}

const Loop = (c: NodeCtx, run: RunGraph): Val[] => {
  const g = body(c, 'body'), nCarried = c.node.input.length - 2, nScan = g.output.length - 1 - nCarried;
  if (nCarried < 0 || g.input.length !== nCarried + 2 || nScan < 0) throw c.fail(`the body must have ${nCarried + 2} inputs and at least ${nCarried + 1} outputs`);
  try { return unroll(c, run, g, nCarried, nScan); } catch (e) { if (!(e instanceof RunTime)) throw e; return loopAtRunTime(c, run, g, nCarried, nScan, e.message); }
};

/** Loops whose trip count and condition fold at import: the body mapped once per iteration (at most MAX_UNROLL). */
function unroll(c: NodeCtx, run: RunGraph, g: OnnxGraph, nCarried: number, nScan: number): Val[] {
  const M: Const | undefined = c.has(0) ? c.const(0) : undefined;
  if (c.has(0) && !M) throw new RunTime('the trip count M is a run-time value');
  const trips = M ? M.data[0] : Infinity;
  let cond: Const | undefined = c.has(1) ? c.const(1) : makeConst([], DT.BOOL, [1]);
  if (!cond) throw new RunTime('the initial condition is a run-time value');
  if (trips > MAX_UNROLL && cond.data[0]) throw new RunTime(`more than ${MAX_UNROLL} iterations to unroll`);
  let carried: Val[] = c.node.input.slice(2).map((_, k) => c.val(k + 2));
  const scans: Val[][] = Array.from({ length: nScan }, () => []);
  let i = 0;
  for (; i < trips && cond!.data[0]; i++) {
    if (i >= MAX_UNROLL) throw new RunTime(`more than ${MAX_UNROLL} iterations to unroll`);
    const outs = run(g, [{ c: makeConst([], DT.INT64, [i]) }, { c: cond! }, ...carried]);
    cond = outs[0].c;
    if (!cond || cond.data.length !== 1) throw new RunTime(`the loop condition after iteration ${i} depends on run-time values`);
    carried = outs.slice(1, 1 + nCarried);
    outs.slice(1 + nCarried).forEach((v, k) => scans[k].push(v));
  }
  if (nScan && !i) throw c.fail('a loop with scan outputs runs zero times (empty outputs are not supported)');
  return [...carried, ...scans.map((vs, k) => stack(c, vs, 0, `scan${k}`))];
}

/**
 * A Loop decided at run time, as MXNet's `_while_loop`: loop variables (iteration count, condition, carried values),
 * a cond subgraph `i < M && cond` and the body as the func subgraph. Scan outputs need a static length: only when
 * the trip count M is a constant and the condition is a constant true before and after every iteration.
 */
function loopAtRunTime(c: NodeCtx, run: RunGraph, g: OnnxGraph, nCarried: number, nScan: number, why: string): Val[] {
  const M = c.has(0) ? c.const(0) : undefined, c0 = c.has(1) ? c.const(1) : makeConst([], DT.BOOL, [1]);
  if (M && M.data.length !== 1) throw c.fail(`the trip count M must have one element, got ${M.data.length}`);
  const named = (v: Symbol, tag: string, dims: number[] | undefined) => {
    const s = c.mx('identity', [v], {}, tag), n = s.outputs[0].node.name;
    if (dims) { c.st.shapes1[n] = [...dims]; c.st.shapes2[n] = [...(c.st.shapes2[n] ?? dims)]; }
    return s;
  };
  const scalar = (tag: string, v: number, t: number) => named(c.param(`${c.name}_${tag}0`, makeConst([], t, [v])), tag, []);
  const vars = [scalar('iter', 0, DT.INT64), c0 ? scalar('cond', c0.data[0], DT.BOOL) : named(c.sym(1), 'cond', []),
    ...c.node.input.slice(2).map((_, k) => {
      const v = c.val(k + 2), s1 = v.c ? [...v.c.dims] : c.symShape(v.s!).s1, s = named(c.sym(k + 2), `v${k}`, s1);
      if (!v.c && s1) c.st.shapes2[s.outputs[0].node.name] = c.symShape(v.s!).s2 ?? s1;
      return s;
    })];
  const Ms = M ? undefined : c.has(0) ? c.sym(0) : undefined;
  let constTrue = true;
  const toSym = (v: Val, tag: string) => v.s ?? c.param(`${c.name}_${tag}`, v.c!);
  const [scans, finals] = whileLoop((i, cnd) => {
    const lt = M ? c.mx('_lesser_scalar', [i], { scalar: M.data[0] }, 'lt') : Ms ? c.mx('broadcast_lesser', [i, Ms], {}, 'lt') : undefined;
    return lt && c.has(1) ? c.mx('broadcast_mul', [lt, cnd], {}, 'go') : lt ?? cnd;
  }, (i, cnd, ...vs) => {
    const outs = run(g, [{ s: i }, { s: cnd }, ...vs.map((s) => ({ s }))]);
    constTrue &&= !!outs[0].c && outs[0].c.data[0] !== 0;
    // the condition output also reads the condition input, so that every loop variable enters the body (MXNet's rule)
    const cout = c.mx('broadcast_add', [toSym(outs[0], 'cout'), c.mx('_mul_scalar', [cnd], { scalar: 0 }, 'c0')], {}, 'cout');
    const next = [c.mx('_plus_scalar', [i], { scalar: 1 }, 'next'), cout, ...outs.slice(1, 1 + nCarried).map((v, k) => toSym(v, `carry${k}`))];
    return [outs.slice(1 + nCarried).map((v, k) => toSym(v, `scan${k}`)), next];
  }, vars, M ? Math.max(1, M.data[0]) : 2 ** 31 - 1, c.name);
  if (nScan && !(M && c0?.data[0] && constTrue)) {
    throw c.fail(`${why}, and it has scan outputs, whose length would be known only at run time (the executor's shapes are static)`);
  }
  if (nScan && !M!.data[0]) throw c.fail('a loop with scan outputs runs zero times (empty outputs are not supported)');
  return [...(finals as Symbol[]).slice(2).map((s) => ({ s })), ...scans.map((s) => ({ s }))];
}

const Scan = (c: NodeCtx, run: RunGraph): Val[] => {
  if (c.opset < 9) throw c.fail('Scan before opset 9 (batch axis and sequence_lens) is not supported');
  const g = body(c, 'body'), nIn = c.i('num_scan_inputs', 0), nState = c.node.input.length - nIn, nOut = g.output.length - nState;
  if (!(nIn >= 1) || nState < 0 || g.input.length !== nState + nIn || nOut < 0) throw c.fail(`num_scan_inputs ${nIn} does not fit the ${c.node.input.length} inputs and the body`);
  const inAx = c.ints('scan_input_axes', new Array(nIn).fill(0))!, inDir = c.ints('scan_input_directions', new Array(nIn).fill(0))!;
  const outAx = c.ints('scan_output_axes', new Array(nOut).fill(0))!, outDir = c.ints('scan_output_directions', new Array(nOut).fill(0))!;
  let T = -1;
  const xs = Array.from({ length: nIn }, (_, k) => {
    const i = nState + k, s = c.shape(i);
    if (!s) throw c.fail(`scan input ${k} needs a known shape`);
    const ax = inAx[k] < 0 ? inAx[k] + s.length : inAx[k];
    if (!(ax >= 0 && ax < s.length)) throw c.fail(`scan_input_axes[${k}] = ${inAx[k]} is out of range for rank ${s.length}`);
    if (c.dynDims(i)?.[ax]) throw c.fail(`scan input ${k}'s axis ${ax} is dynamic (symbolic): the sequence length must be static`);
    if (T >= 0 && s[ax] !== T) throw c.fail(`scan inputs have different lengths ${T} and ${s[ax]}`);
    T = s[ax];
    return { sym: c.sym(i), ax, rev: !!inDir[k] };
  });
  if (T > MAX_UNROLL) throw c.fail(`more than ${MAX_UNROLL} iterations to unroll`);
  if (!T) throw c.fail('a scan over zero steps is not supported');
  let state: Val[] = c.node.input.slice(0, nState).map((_, k) => c.val(k));
  const outs: Val[][] = Array.from({ length: nOut }, () => []);
  for (let t = 0; t < T; t++) {
    const slices = xs.map((x, k) => {
      const at = x.rev ? T - 1 - t : t;
      const sl: Symbol = c.mx('slice_axis', [x.sym], { axis: x.ax, begin: at, end: at + 1 }, `in${k}_${t}`);
      return { s: c.mx('squeeze', [sl], { axis: [x.ax] }, `sq${k}_${t}`) };
    });
    const r = run(g, [...state, ...slices]);
    state = r.slice(0, nState);
    r.slice(nState).forEach((v, k) => outs[k].push(v));
  }
  return [...state, ...outs.map((vs, k) => {
    const ordered = outDir[k] ? [...vs].reverse() : vs;
    const r = (vs[0].c?.dims.length ?? c.symShape(vs[0].s!).s1?.length ?? 0) + 1, ax = outAx[k] < 0 ? outAx[k] + r : outAx[k];
    if (!(ax >= 0 && ax < r)) throw c.fail(`scan_output_axes[${k}] = ${outAx[k]} is out of range for rank ${r}`);
    return stack(c, ordered, ax, `out${k}`);
  })];
};

/** Control-flow ops: each gets the node and a way to map a subgraph. */
export const CONTROL: Record<string, (c: NodeCtx, run: RunGraph) => Val[]> = { If, Loop, Scan };
