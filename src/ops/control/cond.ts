import { ShapeError, opMessage } from '../../errors.js';
import type { DType } from '../../runtime/dtype.js';
import { u8 } from '../../runtime/view.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape, Step, TensorRef } from '../registry.js';
import { bodies, bytesOf, checkLocs, copyBytes, outNames, truthy, type SubExec } from './subgraph.js';

const OP = '_cond';

function layout(a: Attrs, node: string | undefined) {
  const [cg, tg, eg] = bodies(a, node, OP, 3);
  const locs = [a.cond_input_locs, a.then_input_locs, a.else_input_locs] as number[][], nIn = a.num_args - 3;
  const fail = (m: string) => new ShapeError(opMessage(node, OP, m), { node, op: OP });
  [cg, tg, eg].forEach((g, k) => {
    const what = ['cond_input_locs', 'then_input_locs', 'else_input_locs'][k];
    if (locs[k].length !== g.inputNames.length) throw fail(`${what} names ${locs[k].length} inputs, its graph has ${g.inputNames.length}`);
    checkLocs(locs[k], nIn, what, node, OP);
  });
  if (cg.numOutputs !== 1) throw fail(`the condition graph must have one output, got ${cg.numOutputs}`);
  if (tg.numOutputs !== a.num_outputs || eg.numOutputs !== a.num_outputs) throw fail(`num_outputs ${a.num_outputs}, but then gives ${tg.numOutputs} and else ${eg.numOutputs}`);
  return { gs: [cg, tg, eg], locs, fail };
}

const held = new FinalizationRegistry<SubExec[]>((s) => s.forEach((x) => x.dispose()));

/**
 * MXNet's `_cond` (mx.sym.contrib.cond): runs the `cond` subgraph, then only the branch it selects (`then` when its
 * scalar is non-zero); both branches' outputs must have the same shapes and types (static shapes). Each graph is
 * bound once as a planned executor. Backward runs the selected branch's backward; the other branch's inputs get 0.
 * @example const [y] = mx.sym.contrib.cond(a.sum().lesser_scalar(5), () => a.mul_scalar(2), () => a.plus_scalar(1));
 */
export const condOp: OpDef = {
  name: OP,
  attrs: {
    num_args: { type: 'int', required: true, min: 3 }, num_outputs: { type: 'int', required: true, min: 1 },
    cond_input_locs: { type: 'shape', required: true }, then_input_locs: { type: 'shape', required: true }, else_input_locs: { type: 'shape', required: true },
  },
  inputs: (a) => Array.from({ length: a.num_args - 3 }, (_, i) => `data${i}`),
  outputs: (a) => outNames(a.num_outputs),
  inferShape(a, ins, _aux, node, known) {
    const L = layout(a, node), back = ins.slice();
    let outs: (Shape | undefined)[] = known?.outs.slice() ?? [];
    L.gs.forEach((g, k) => {
      const r = g.inferShape(L.locs[k].map((i) => back[i]));
      L.locs[k].forEach((i, j) => { back[i] ??= r.ins[j]; });
      if (!k) return;
      r.outs.forEach((s, i) => {
        if (s && outs[i] && s.join() !== outs[i]!.join()) {
          throw L.fail(`output ${i} is [${outs[i]!.join(', ')}] in one branch and [${s.join(', ')}] in the other: both branches must give the same shapes`);
        }
        outs[i] ??= s;
      });
    });
    outs = Array.from({ length: a.num_outputs }, (_, i) => outs[i]);
    return { ins: back, outs };
  },
  inferType(a, ins, node) {
    const L = layout(a, node), back: (DType | undefined)[] = ins.slice();
    let outs: DType[] = [];
    L.gs.forEach((g, k) => {
      const r = g.inferType(L.locs[k].map((i) => back[i]));
      L.locs[k].forEach((i, j) => { back[i] ??= r.ins[j]; });
      if (k === 1) outs = r.outs;
    });
    return { ins: back.map((t) => t ?? 'float32'), outs };
  },
  forward(ctx, a, ins, outs) {
    const L = layout(a, ctx.node);
    const subs = L.gs.map((g, k) => g.bind(L.locs[k].map((i) => ins[i].shape), L.locs[k].map((i) => ins[i].dtype), false));
    const step: Step = () => {
      const b = select(L.locs, subs, ins);
      subs[b].forward(ctx.isTrain);
      outs.forEach((o, i) => copyBytes(o.off, subs[b].outs[i].off, bytesOf(o)));
    };
    held.register(step, subs);
    return step;
  },
  backward: {
    saves: ['inputs'],
    lower(ctx, a, { ins, outGrads, inGrads, req }) {
      const L = layout(a, ctx.node);
      const subs = L.gs.map((g, k) => g.bind(L.locs[k].map((i) => ins[i].shape), L.locs[k].map((i) => ins[i].dtype), k > 0));
      const step: Step = () => {
        const b = select(L.locs, subs, ins), s = subs[b];
        s.forward(ctx.isTrain);
        outGrads.forEach((g, i) => copyBytes(s.outGrads[i].off, g.off, bytesOf(g)));
        s.backward();
        inGrads.forEach((g, i) => {
          if (req[i] === 'null') return;
          const j = L.locs[b].indexOf(i);
          if (j < 0) u8(g.off, bytesOf(g)).fill(0); else copyBytes(g.off, s.inGrads[j]!.off, bytesOf(g));
        });
      };
      held.register(step, subs);
      return step;
    },
  },
};

/** Runs the condition on the op's inputs, copies the selected branch's inputs in; 1 = then, 2 = else. */
function select(locs: number[][], subs: SubExec[], ins: TensorRef[]): number {
  locs[0].forEach((i, k) => copyBytes(subs[0].ins[k].off, ins[i].off, bytesOf(subs[0].ins[k])));
  subs[0].forward(false);
  const b = truthy(subs[0].outs[0]) ? 1 : 2;
  locs[b].forEach((i, k) => copyBytes(subs[b].ins[k].off, ins[i].off, bytesOf(subs[b].ins[k])));
  return b;
}
