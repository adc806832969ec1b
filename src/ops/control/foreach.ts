import { ShapeError, opMessage } from '../../errors.js';
import { rt } from '../../runtime/runtime.js';
import type { DType } from '../../runtime/dtype.js';
import { u8 } from '../../runtime/view.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape, Step, TensorRef } from '../registry.js';
import { addInto, bodies, bytesOf, checkLocs, copyBytes, outNames, stacked, type SubExec } from './subgraph.js';

const OP = '_foreach';

/** Input layout of a _foreach node: [data..., states..., remaining...] mapped onto the body's inputs by the locs. */
function layout(a: Attrs, node: string | undefined) {
  const [g] = bodies(a, node, OP, 1);
  const dl = a.in_data_locs as number[], sl = a.in_state_locs as number[], rl = a.remain_locs as number[];
  const nIn = a.num_args - 1, nOD = a.num_out_data as number, nOut = a.num_outputs as number, nB = g.inputNames.length;
  const fail = (m: string) => new ShapeError(opMessage(node, OP, m), { node, op: OP });
  if (dl.length + sl.length + rl.length !== nIn || nIn !== nB) {
    throw fail(`in_data_locs, in_state_locs and remain_locs name ${dl.length + sl.length + rl.length} inputs, num_args - 1 = ${nIn}, the body has ${nB}`);
  }
  checkLocs([...dl, ...sl, ...rl], nB, 'in_data_locs + in_state_locs + remain_locs', node, OP);
  if (!dl.length) throw fail('at least one data input (in_data_locs) is needed: the loop runs over its first axis');
  if (nOut !== g.numOutputs || nOD < 0 || nOut - nOD !== sl.length) throw fail(`num_outputs ${nOut} and num_out_data ${nOD} do not fit a body of ${g.numOutputs} outputs and ${sl.length} states`);
  return { g, dl, sl, rl, nD: dl.length, nS: sl.length, nOD };
}

/** The body's input i from the op's inputs (`slice`: a data input's one-iteration slice). */
function bodyInputs<T>(L: ReturnType<typeof layout>, ins: T[], slice: (x: T) => T): T[] {
  const out: T[] = new Array(L.g.inputNames.length);
  L.dl.forEach((loc, i) => { out[loc] = slice(ins[i]); });
  L.sl.forEach((loc, j) => { out[loc] = ins[L.nD + j]; });
  L.rl.forEach((loc, k) => { out[loc] = ins[L.nD + L.nS + k]; });
  return out;
}

const sliceShape = (s: Shape | undefined): Shape | undefined => (s ? (s.length > 1 ? s.slice(1) : [1]) : undefined);

/** Binds the body at the op's input shapes; the sub-executor is freed when the step that holds it is collected. */
const held = new FinalizationRegistry<SubExec>((s) => s.dispose());
function bindBody(L: ReturnType<typeof layout>, ins: TensorRef[], grad: boolean): SubExec {
  return L.g.bind(bodyInputs(L, ins.map((t) => t.shape), sliceShape) as Shape[], bodyInputs(L, ins.map((t) => t.dtype), (d) => d), grad);
}

/** Per-iteration copies shared by forward and backward: the body's inputs for iteration t. */
function feed(L: ReturnType<typeof layout>, sub: SubExec, ins: TensorRef[]) {
  const slice = L.dl.map((_, i) => bytesOf(ins[i]) / (ins[i].shape[0] || 1));
  return {
    remain: () => L.rl.forEach((loc, k) => copyBytes(sub.ins[loc].off, ins[L.nD + L.nS + k].off, bytesOf(sub.ins[loc]))),
    states: () => L.sl.forEach((loc, j) => copyBytes(sub.ins[loc].off, ins[L.nD + j].off, bytesOf(sub.ins[loc]))),
    data: (t: number) => L.dl.forEach((loc, i) => copyBytes(sub.ins[loc].off, ins[i].off + t * slice[i], slice[i])),
    next: () => L.sl.forEach((loc, j) => copyBytes(sub.ins[loc].off, sub.outs[L.nOD + j].off, bytesOf(sub.ins[loc]))),
  };
}

function forward(ctx: { isTrain: boolean }, a: Attrs, ins: TensorRef[], outs: TensorRef[], node: string): Step {
  const L = layout(a, node), sub = bindBody(L, ins, false), f = feed(L, sub, ins), T = ins[0].shape[0];
  const step = () => {
    f.remain(); f.states();
    for (let t = 0; t < T; t++) {
      f.data(t);
      sub.forward(ctx.isTrain);
      for (let i = 0; i < L.nOD; i++) copyBytes(outs[i].off + t * bytesOf(sub.outs[i]), sub.outs[i].off, bytesOf(sub.outs[i]));
      f.next();
    }
    L.sl.forEach((loc, j) => copyBytes(outs[L.nOD + j].off, sub.ins[loc].off, bytesOf(outs[L.nOD + j])));
  };
  held.register(step, sub);
  return step;
}

/**
 * MXNet's `_foreach` (mx.sym.contrib.foreach): runs its body subgraph once per slice of the data inputs along axis 0,
 * carrying the states; outputs are the per-iteration outputs stacked on axis 0, then the last states. The body is
 * bound once as its own planned executor. Backward replays the states forward (kept per iteration), then runs the
 * body's backward from the last iteration to the first, summing the gradients of the remaining (free) inputs.
 * @example const [outs, states] = mx.sym.contrib.foreach((x, s) => [x.add(s[0]), [x.add(s[0])]], data, [h0]);
 */
export const foreachOp: OpDef = {
  name: OP,
  attrs: {
    num_args: { type: 'int', required: true, min: 2 }, num_outputs: { type: 'int', required: true }, num_out_data: { type: 'int', required: true, min: 0 },
    in_state_locs: { type: 'shape', required: true }, in_data_locs: { type: 'shape', required: true }, remain_locs: { type: 'shape', default: [] },
  },
  inputs: (a) => Array.from({ length: a.num_args - 1 }, (_, i) => `data${i}`),
  outputs: (a) => outNames(a.num_outputs),
  inferShape(a, ins, _aux, node, known) {
    const L = layout(a, node);
    const len = ins[0]?.[0] ?? known?.outs[0]?.[0];
    const r = L.g.inferShape(bodyInputs(L, ins, sliceShape));
    const outs = r.outs.map((s, i) => (i < L.nOD ? (len === undefined ? undefined : stacked(len, s)) : s));
    const back = ins.slice();
    L.dl.forEach((loc, i) => { const s = r.ins[loc]; if (!back[i] && s && len !== undefined) back[i] = ins[i]?.length === 1 ? [len] : [len, ...s]; });
    L.sl.forEach((loc, j) => { back[L.nD + j] ??= r.ins[loc] ?? outs[L.nOD + j]; });
    L.rl.forEach((loc, k) => { back[L.nD + L.nS + k] ??= r.ins[loc]; });
    return { ins: back, outs };
  },
  inferType(a, ins, node) {
    const L = layout(a, node), r = L.g.inferType(bodyInputs(L, ins, (d) => d));
    return { ins: ins.map((_, i) => inputAt(L, r.ins, i)), outs: r.outs };
  },
  forward: (ctx, a, ins, outs) => forward(ctx, a, ins, outs, ctx.node),
  backward: {
    saves: ['inputs'],
    lower(ctx, a, { ins, outGrads, inGrads, req }) {
      const L = layout(a, ctx.node), sub = bindBody(L, ins, true), f = feed(L, sub, ins), T = ins[0].shape[0];
      const sBytes = L.sl.map((loc) => bytesOf(sub.ins[loc])), per = sBytes.reduce((p, v) => p + v, 0);
      const buf = per * T ? rt().alloc.alloc(per * T) : 0;
      const slot = (t: number, j: number) => buf + t * per + sBytes.slice(0, j).reduce((p, v) => p + v, 0);
      const step = () => {
        f.remain(); f.states();
        for (let t = 0; t < T; t++) { // replay: the states each iteration starts from
          L.sl.forEach((loc, j) => copyBytes(slot(t, j), sub.ins[loc].off, sBytes[j]));
          f.data(t); sub.forward(ctx.isTrain); f.next();
        }
        L.sl.forEach((_, j) => copyBytes(sub.outGrads[L.nOD + j].off, outGrads[L.nOD + j].off, sBytes[j]));
        for (let t = T - 1; t >= 0; t--) {
          f.data(t);
          L.sl.forEach((loc, j) => copyBytes(sub.ins[loc].off, slot(t, j), sBytes[j]));
          sub.forward(ctx.isTrain);
          for (let i = 0; i < L.nOD; i++) copyBytes(sub.outGrads[i].off, outGrads[i].off + t * bytesOf(sub.outGrads[i]), bytesOf(sub.outGrads[i]));
          sub.backward();
          L.dl.forEach((loc, i) => { const g = sub.inGrads[loc]!; if (req[i] !== 'null') copyBytes(inGrads[i].off + t * bytesOf(g), g.off, bytesOf(g)); });
          L.rl.forEach((loc, k) => {
            const i = L.nD + L.nS + k, g = sub.inGrads[loc]!;
            if (req[i] !== 'null') { if (t === T - 1) copyBytes(inGrads[i].off, g.off, bytesOf(g)); else addInto(inGrads[i], g); }
          });
          L.sl.forEach((loc, j) => copyBytes(sub.outGrads[L.nOD + j].off, sub.inGrads[loc]!.off, sBytes[j]));
        }
        L.sl.forEach((_, j) => { if (req[L.nD + j] !== 'null') copyBytes(inGrads[L.nD + j].off, sub.outGrads[L.nOD + j].off, sBytes[j]); });
        if (!T) L.rl.forEach((_, k) => { const g = inGrads[L.nD + L.nS + k]; if (req[L.nD + L.nS + k] !== 'null') u8(g.off, bytesOf(g)).fill(0); });
      };
      held.register(step, { ...sub, dispose: () => { sub.dispose(); if (buf) rt().alloc.free(buf); } });
      return step;
    },
  },
};

/** The op input i's entry of a body-ordered list. */
function inputAt(L: ReturnType<typeof layout>, body: DType[], i: number): DType {
  if (i < L.nD) return body[L.dl[i]];
  if (i < L.nD + L.nS) return body[L.sl[i - L.nD]];
  return body[L.rl[i - L.nD - L.nS]];
}
