// mx.autograd: MXNet's imperative differentiation. Scopes set the recording / training flags (MXNet's table:
// record → on + train_mode, pause → off + predict), `attachGrad` marks variables, `backward` / `grad` run the tape.
import { ArgumentError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { GradReq } from '../ops/registry.js';
import { dropRowSet, rowSet, setRowSet } from '../runtime/row-sparse.js';
import { runBackwardRecorded } from './higher.js';
import { beginScope, entryOf, markVariable, reachableVars, runBackward, state, unmark, type VarInfo } from './tape.js';

function scoped<T>(recording: boolean | undefined, training: boolean, fn: () => T): T {
  const oldRec = state.recording, oldTrain = state.training;
  if (recording !== undefined) { if (recording && !oldRec) beginScope(); state.recording = recording; }
  state.training = training;
  try { return fn(); } finally { state.recording = oldRec; state.training = oldTrain; }
}

/**
 * Runs `fn` recording every imperative op for `backward` (MXNet's `with autograd.record():`). Returns fn's value.
 * Scopes nest and restore the previous flags on exit. `fn` must be synchronous.
 * @example const loss = mx.autograd.record(() => lossFn.forward(net.forward(x), y)); loss.backward();
 */
export function record<T>(fn: () => T, trainMode = true): T { return scoped(true, trainMode, fn); }
/** Runs `fn` without recording (predict mode unless `trainMode`). @example mx.autograd.pause(() => net.forward(x)) */
export function pause<T>(fn: () => T, trainMode = false): T { return scoped(false, trainMode, fn); }
/** Runs `fn` with isTraining() true (Dropout/BatchNorm in training behaviour), recording unchanged. @example mx.autograd.trainMode(() => net.forward(x)) */
export function trainMode<T>(fn: () => T): T { return scoped(undefined, true, fn); }
/** Runs `fn` with isTraining() false, recording unchanged. @example mx.autograd.predictMode(() => net.forward(x)) */
export function predictMode<T>(fn: () => T): T { return scoped(undefined, false, fn); }
/** True inside record(). @example mx.autograd.isRecording() */
export function isRecording(): boolean { return state.recording; }
/** True when ops run in training mode. @example mx.autograd.isTraining() */
export function isTraining(): boolean { return state.training; }
/** Sets the recording flag; returns the previous one (MXNet's set_recording). @example mx.autograd.setRecording(true) */
export function setRecording(on: boolean): boolean { const o = state.recording; if (on && !o) beginScope(); state.recording = on; return o; }
/** Sets the training flag; returns the previous one. @example mx.autograd.setTraining(false) */
export function setTraining(on: boolean): boolean { const o = state.training; state.training = on; return o; }

function checkReq(req: string): GradReq {
  if (req !== 'write' && req !== 'add' && req !== 'null') throw new ArgumentError(`grad_req must be 'write', 'add' or 'null', got ${String(req)}`);
  return req;
}

/**
 * Marks arrays as variables with given gradient buffers (MXNet's mark_variables).
 * @example mx.autograd.markVariables([x], [mx.nd.zeros(x.shape)]);
 */
export function markVariables(variables: NDArray[], gradients: NDArray[], gradReqs: GradReq | GradReq[] = 'write'): void {
  if (variables.length !== gradients.length) throw new ArgumentError(`markVariables: ${variables.length} variables but ${gradients.length} gradients`);
  variables.forEach((v, i) => markVariable(v, checkReq(Array.isArray(gradReqs) ? gradReqs[i] : gradReqs), gradients[i]));
}

export { Function } from './function.js';
export { recordableGradOps } from './higher.js';

export interface BackwardOptions { retainGraph?: boolean; trainMode?: boolean }

/**
 * Computes the gradients of `heads` and writes them into every reachable marked variable's `.grad`
 * (overwriting for 'write', summing for 'add'). A missing head gradient means ones (a vector head is summed).
 * @example mx.autograd.backward([loss]); x.grad.toArray();
 */
export function backward(heads: NDArray | NDArray[], headGrads?: NDArray | (NDArray | undefined)[] | null, o: BackwardOptions = {}): void {
  const hs = Array.isArray(heads) ? heads : [heads];
  const hg = headGrads instanceof NDArray ? [headGrads] : headGrads ?? [];
  const reach = reachableVars(hs);
  const got = runBackward(hs, hs.map((_, k) => hg[k]), !!o.retainGraph, o.trainMode ?? true, true);
  for (const v of reach) {
    const g = got.get(v), dst = v.grad;
    if (g && g === dst) continue; // written in place
    if (!dst) { g?.dispose(); continue; }
    if (!g) { if (v.req === 'write') dst.data.fill(0); continue; }
    if (v.req === 'add') { const a = dst.data, b = g.data; for (let i = 0; i < a.length; i++) a[i] += b[i]; } else g.copyTo(dst);
    const rows = v.req === 'write' ? rowSet(g.byteOffset, g.nbytes) : undefined; // a sparse Embedding gradient's rows
    if (rows) setRowSet(dst.byteOffset, dst.nbytes, rows); else dropRowSet(dst.byteOffset);
    g.dispose();
  }
}

export interface GradOptions { headGrads?: NDArray | (NDArray | undefined)[]; retainGraph?: boolean; createGraph?: boolean; trainMode?: boolean }

/**
 * Gradients of `heads` with respect to `variables` (which must be marked), as new arrays; `.grad` is not touched.
 * `createGraph: true` records the gradient computation, so the results can be differentiated again (second order
 * through the ops of `recordableGradOps()` and autograd.Function; others raise an MxError naming the op).
 * @example x.attachGrad(); const z = mx.autograd.record(() => x.exp().add(x)); const [dx] = mx.autograd.grad(z, [x]); // e+1 at x=1
 */
export function grad(heads: NDArray | NDArray[], variables: NDArray | NDArray[], o: GradOptions = {}): NDArray[] {
  const hs = Array.isArray(heads) ? heads : [heads], vs = Array.isArray(variables) ? variables : [variables];
  const infos = vs.map((v, i) => {
    const e = entryOf(v);
    if (!e?.v) throw new ArgumentError(`autograd.grad: variable ${i} is not marked (call attachGrad() on it before recording)`);
    return e.v;
  });
  // gradients for exactly these variables: others are switched off for the walk
  const saved: [VarInfo, GradReq][] = [];
  const hg = o.headGrads instanceof NDArray ? [o.headGrads] : o.headGrads ?? [];
  for (const v of reachableVars(hs)) { saved.push([v, v.req]); v.req = infos.includes(v) ? 'write' : 'null'; }
  for (const v of infos) if (!saved.some(([x]) => x === v)) saved.push([v, v.req]);
  let got: Map<VarInfo, NDArray>;
  try {
    // createGraph: the walk is recorded (second order); retainGraph defaults to createGraph as in MXNet
    got = o.createGraph ? runBackwardRecorded(hs, hs.map((_, k) => hg[k]), o.retainGraph ?? true)
      : runBackward(hs, hs.map((_, k) => hg[k]), o.retainGraph ?? false, o.trainMode ?? true);
  } finally { for (const [v, r] of saved) v.req = r; }
  return infos.map((v, i) => got.get(v)?.adopt() ?? (() => { const z = NDArray.empty([...vs[i].shape]); z.data.fill(0); return z; })());
}

// NDArray methods (MXNet's attach_grad, grad, detach, backward), added here so the array layer knows nothing of autograd.
declare module '../ndarray/ndarray.js' {
  interface NDArray {
    /** Allocates a zero gradient and marks this array as a variable. @example x.attachGrad(); */
    attachGrad(gradReq?: GradReq): void;
    /** The gradient buffer of a variable (after attachGrad). @example x.grad.toArray() */
    readonly grad: NDArray | undefined;
    /** The same memory, cut from the graph. @example const y = x.detach() */
    detach(): NDArray;
    /** Backward from this array (autograd.backward([this], [headGrad])). @example loss.backward() */
    backward(headGrad?: NDArray | null, o?: BackwardOptions): void;
  }
}

const P = NDArray.prototype as unknown as Record<string, unknown>;
P.attachGrad = function attachGrad(this: NDArray, gradReq: GradReq = 'write') {
  const old = entryOf(this)?.v?.grad;
  const g = old && old.size === this.size ? old : NDArray.empty([...this.shape], this.dtype);
  g.data.fill(0);
  if (old && old !== g) old.dispose();
  markVariable(this, checkReq(gradReq), g);
};
Object.defineProperty(P, 'grad', { configurable: true, get(this: NDArray) { return entryOf(this)?.v?.grad; } });
P.detach = function detach(this: NDArray) { const d = new NDArray(this.storage, this.byteOffset, [...this.shape], this.dtype); unmark(d); return d; };
P.backward = function bw(this: NDArray, headGrad?: NDArray | null, o: BackwardOptions = {}) { backward([this], headGrad ? [headGrad] : undefined, o); };
