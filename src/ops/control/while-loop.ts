import { ShapeError, opMessage } from '../../errors.js';
import type { DType } from '../../runtime/dtype.js';
import { u8 } from '../../runtime/view.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Step, TensorRef } from '../registry.js';
import { rt } from '../../runtime/runtime.js';
import { addInto, bodies, bytesOf, checkLocs, copyBytes, outNames, stacked, truthy, type SubExec } from './subgraph.js';

const OP = '_while_loop';

/** A _while_loop node's layout: cond and func read the op's inputs at their locs; loop vars sit at func_var_locs of func's inputs. */
function layout(a: Attrs, node: string | undefined) {
  const [cg, fg] = bodies(a, node, OP, 2);
  const cl = a.cond_input_locs as number[], fl = a.func_input_locs as number[], vl = a.func_var_locs as number[];
  const nIn = a.num_args - 2, nOD = a.num_out_data as number, nOut = a.num_outputs as number;
  const fail = (m: string) => new ShapeError(opMessage(node, OP, m), { node, op: OP });
  if (cl.length !== cg.inputNames.length || fl.length !== fg.inputNames.length) {
    throw fail(`cond_input_locs (${cl.length}) and func_input_locs (${fl.length}) must match the bodies' inputs (${cg.inputNames.length}, ${fg.inputNames.length})`);
  }
  checkLocs(cl, nIn, 'cond_input_locs', node, OP); checkLocs(fl, nIn, 'func_input_locs', node, OP); checkLocs(vl, fl.length, 'func_var_locs', node, OP);
  if (cg.numOutputs !== 1) throw fail(`the condition graph must have one output, got ${cg.numOutputs}`);
  if (nOut !== fg.numOutputs || nOut - nOD !== vl.length || nOD < 0) {
    throw fail(`num_outputs ${nOut} and num_out_data ${nOD} do not fit a body of ${fg.numOutputs} outputs and ${vl.length} loop variables`);
  }
  const vars = vl.map((l) => fl[l]); // op input of each loop variable
  const oi = vars.map((v) => cl.indexOf(v)); // where each loop variable enters cond (-1: not read)
  return { cg, fg, cl, fl, vl, vars, oi, nOD, max: a.max_iterations as number };
}

/** Binds cond and func at the op's input shapes (freed with the step that holds them). */
const held = new FinalizationRegistry<SubExec[]>((s) => s.forEach((x) => x.dispose()));
function bindBoth(L: ReturnType<typeof layout>, ins: TensorRef[], grad: boolean): [SubExec, SubExec] {
  const at = (locs: number[]) => [locs.map((i) => ins[i].shape), locs.map((i) => ins[i].dtype)] as const;
  return [L.cg.bind(...at(L.cl), false), L.fg.bind(...at(L.fl), grad)];
}

/** Runs the loop: cond, then func, until cond is false or max_iterations; returns the number of iterations run. */
function run(L: ReturnType<typeof layout>, cs: SubExec, fs: SubExec, ins: TensorRef[], isTrain: boolean, each?: (n: number) => void, before = false): number {
  L.cl.forEach((i, k) => copyBytes(cs.ins[k].off, ins[i].off, bytesOf(cs.ins[k])));
  L.fl.forEach((i, k) => copyBytes(fs.ins[k].off, ins[i].off, bytesOf(fs.ins[k])));
  let n = 0;
  for (; n < L.max; n++) {
    cs.forward(false);
    if (!truthy(cs.outs[0])) break;
    if (before) each?.(n);
    fs.forward(isTrain);
    if (!before) each?.(n);
    L.vl.forEach((loc, j) => {
      const src = fs.outs[L.nOD + j], b = bytesOf(src);
      copyBytes(fs.ins[loc].off, src.off, b);
      if (L.oi[j] >= 0) copyBytes(cs.ins[L.oi[j]].off, src.off, b);
    });
  }
  return n;
}

/**
 * MXNet's `_while_loop` (mx.sym.contrib.while_loop): while the `cond` subgraph gives a non-zero scalar (at most
 * `max_iterations` times) runs the `func` subgraph, whose outputs are the step outputs (stacked on a new axis 0 of
 * length max_iterations; rows after the last iteration are zeros) and the new loop variables (the last ones are the
 * op's remaining outputs). Both bodies are bound once as planned executors; the trip count is data. Backward replays
 * the loop keeping each iteration's loop variables, then runs func's backward from the last iteration to the first.
 * @example const [outs, vars] = mx.sym.contrib.while_loop((i, s) => i.lesser_scalar(5), (i, s) => [[s], [i.plus_scalar(1), s.add(i)]], [i, s], 10);
 */
export const whileLoopOp: OpDef = {
  name: OP,
  attrs: {
    num_args: { type: 'int', required: true, min: 2 }, num_outputs: { type: 'int', required: true, min: 1 }, num_out_data: { type: 'int', required: true, min: 0 },
    max_iterations: { type: 'int', required: true, min: 1 }, cond_input_locs: { type: 'shape', required: true }, func_input_locs: { type: 'shape', required: true },
    func_var_locs: { type: 'shape', required: true },
  },
  inputs: (a) => Array.from({ length: a.num_args - 2 }, (_, i) => `data${i}`),
  outputs: (a) => outNames(a.num_outputs),
  inferShape(a, ins, _aux, node, known) {
    const L = layout(a, node), back = ins.slice();
    L.vars.forEach((v, j) => { back[v] ??= known?.outs[L.nOD + j]; });
    const rc = L.cg.inferShape(L.cl.map((i) => back[i]));
    L.cl.forEach((i, k) => { back[i] ??= rc.ins[k]; });
    const rf = L.fg.inferShape(L.fl.map((i) => back[i]));
    L.fl.forEach((i, k) => { back[i] ??= rf.ins[k]; });
    const outs = rf.outs.map((s, i) => (i < L.nOD ? stacked(L.max, s) : s));
    L.vars.forEach((v, j) => { back[v] ??= outs[L.nOD + j]; });
    return { ins: back, outs };
  },
  inferType(a, ins, node) {
    const L = layout(a, node), back: (DType | undefined)[] = ins.slice();
    const rc = L.cg.inferType(L.cl.map((i) => back[i]));
    L.cl.forEach((i, k) => { back[i] ??= rc.ins[k]; });
    const rf = L.fg.inferType(L.fl.map((i) => back[i]));
    L.fl.forEach((i, k) => { back[i] ??= rf.ins[k]; });
    return { ins: back.map((t) => t ?? 'float32'), outs: rf.outs };
  },
  forward(ctx, a, ins, outs) {
    const L = layout(a, ctx.node), [cs, fs] = bindBoth(L, ins, false);
    const rows = outs.slice(0, L.nOD).map((o) => bytesOf(o) / L.max);
    const step: Step = () => {
      const n = run(L, cs, fs, ins, ctx.isTrain, (k) => { for (let i = 0; i < L.nOD; i++) copyBytes(outs[i].off + k * rows[i], fs.outs[i].off, rows[i]); });
      for (let i = 0; i < L.nOD; i++) u8(outs[i].off + n * rows[i], (L.max - n) * rows[i]).fill(0);
      L.vl.forEach((loc, j) => copyBytes(outs[L.nOD + j].off, fs.ins[loc].off, bytesOf(outs[L.nOD + j])));
    };
    held.register(step, [cs, fs]);
    return step;
  },
  backward: {
    saves: ['inputs'],
    lower(ctx, a, { ins, outGrads, inGrads, req }) {
      const L = layout(a, ctx.node), [cs, fs] = bindBoth(L, ins, true);
      const vb = L.vl.map((loc) => bytesOf(fs.ins[loc])), per = vb.reduce((p, v) => p + v, 0), rows = outGrads.slice(0, L.nOD).map((o) => bytesOf(o) / L.max);
      if (per * L.max > 2 ** 26) {
        throw new ShapeError(opMessage(ctx.node, OP, `backward keeps the loop variables of every iteration: max_iterations ${L.max} x ${per} bytes is over 64 MiB`), { node: ctx.node, op: OP });
      }
      const buf = per * L.max ? rt().alloc.alloc(per * L.max) : 0, slot = (t: number, j: number) => buf + t * per + vb.slice(0, j).reduce((p, v) => p + v, 0);
      const step: Step = () => {
        inGrads.forEach((g, i) => { if (req[i] !== 'null') u8(g.off, bytesOf(g)).fill(0); });
        // replay: the loop variables each iteration starts from
        const n = run(L, cs, fs, ins, ctx.isTrain, (t) => L.vl.forEach((loc, j) => copyBytes(slot(t, j), fs.ins[loc].off, vb[j])), true);
        L.vl.forEach((_, j) => copyBytes(fs.outGrads[L.nOD + j].off, outGrads[L.nOD + j].off, vb[j]));
        for (let t = n - 1; t >= 0; t--) {
          L.vl.forEach((loc, j) => copyBytes(fs.ins[loc].off, slot(t, j), vb[j]));
          fs.forward(ctx.isTrain);
          for (let i = 0; i < L.nOD; i++) copyBytes(fs.outGrads[i].off, outGrads[i].off + t * rows[i], rows[i]);
          fs.backward();
          L.fl.forEach((i, k) => { if (!L.vl.includes(k) && req[i] !== 'null') addInto(inGrads[i], fs.inGrads[k]!); });
          L.vl.forEach((loc, j) => copyBytes(fs.outGrads[L.nOD + j].off, fs.inGrads[loc]!.off, vb[j]));
        }
        L.vars.forEach((i, j) => { if (req[i] !== 'null') copyBytes(inGrads[i].off, fs.outGrads[L.nOD + j].off, vb[j]); });
      };
      held.register(step, [cs, fs, { dispose: () => { if (buf) rt().alloc.free(buf); } } as SubExec]);
      return step;
    },
  },
};
