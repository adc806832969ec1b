import { KernelError } from '../errors.js';
import { numArgs } from '../graph/indexed.js';
import type { LowerCtx, Step, TensorRef } from '../ops/registry.js';
import { rt } from '../runtime/runtime.js';
import { serialRunner } from '../runtime/parts.js';
import { mulberry32 } from '../util/random.js';
import type { BindPlan } from './plan.js';

/** Resolves an entry id to a TensorRef (absolute byte offset in the one memory). */
export type RefOf = (entry: number) => TensorRef;

/** A flat program: kernel-calling closures over precomputed offsets, plus node names for errors. */
export interface Program { steps: Step[]; names: string[]; pick?: Pick }

/**
 * A program under TINY_MS a run (LeNet b1: 2 of its 9 calls split, 0.97x on 2 threads last session) is measured both
 * ways: after a threaded warm-up its first ALTERNATE runs alternate, then it keeps the faster (averages), probing the
 * other one run in PROBE. A threaded run over 4 x TINY_MS (the cold first over 10 x), or both ways over TINY_MS after
 * SETTLED runs, ends it: threaded, untimed (a network never runs on one thread). Same bits. MXWASM_TINY_MS=0: off.
 */
interface Pick { n: number; par: number; one: number; big: boolean }
let TINY_MS = Number((globalThis as { process?: { env?: Record<string, string> } }).process?.env?.MXWASM_TINY_MS ?? 0.5);
const PROBE = 64, ALTERNATE = 16, WARM = 4, SETTLED = 64;
/** @internal Sets the tiny-program bound (ms; 0: off), returns the old one. */
export const setTinyProgramMs = (ms: number): number => { const old = TINY_MS; TINY_MS = ms; return old; };
/** Runs a program; a trap inside a kernel becomes a KernelError naming the node. @example runProgram(lowerForward(plan, base, refOf, false, 1)) */
export function runProgram(p: Program): void {
  const sr = serialRunner();
  if (!sr || TINY_MS <= 0 || p.pick?.big || !sr.on()) { runSteps(p); return; }
  const m = p.pick ??= { n: 0, par: Infinity, one: Infinity, big: false }, n = m.n++;
  const one = n < ALTERNATE ? n % 2 === 1 : (m.one < m.par) !== (n % PROBE === 0);
  const t0 = performance.now();
  if (one) sr.run(() => runSteps(p)); else runSteps(p);
  const dt = performance.now() - t0;
  if (!one && dt > (n === 0 ? 10 : 4) * TINY_MS) m.big = true;
  if (n < WARM) return;
  if (one) m.one = n < WARM + 2 ? dt : m.one + (dt - m.one) / 4; else m.par = n < WARM + 2 ? dt : m.par + (dt - m.par) / 4;
  if (n === SETTLED && Math.min(m.par, m.one) > TINY_MS) m.big = true;
}

function runSteps(p: Program): void {
  const s = p.steps;
  let i = 0;
  try { for (; i < s.length; i++) s[i](); } catch (e) {
    throw e instanceof Error && e.name.endsWith('Error') && 'kind' in e ? e : new KernelError(`kernel failed in node ${p.names[i]}: ${(e as Error).message}`, { node: p.names[i] });
  }
}

function ctxFor(plan: BindPlan, base: number, node: number, isTrain: boolean, seed: number): LowerCtx {
  const r = rt(), ws = plan.storage.wsOffsets[node];
  return { K: r.K, isTrain, workspace: ws >= 0 ? base + ws : 0, scratch: r.scratch.off, node: plan.g.indexed.nodes[node].name, random: mulberry32(seed) };
}

/**
 * Lowers the forward nodes once: each OpDef.forward returns a closure over fixed offsets.
 * @example const p = lowerForward(plan, arenaOff, refOf, true, 42); runProgram(p);
 */
export function lowerForward(plan: BindPlan, base: number, refOf: RefOf, isTrain: boolean, seed: number): Program {
  const ig = plan.g.indexed, steps: Step[] = [], names: string[] = [];
  for (const i of plan.forward) {
    const n = ig.nodes[i], inE = ig.inputsOf(i), na = numArgs(n);
    const outs: TensorRef[] = [];
    for (let e = ig.entryPtr[i]; e < ig.entryPtr[i + 1]; e++) outs.push(refOf(e));
    const ins = Array.from(inE.subarray(0, na), refOf), aux = Array.from(inE.subarray(na), refOf);
    steps.push(n.def!.forward(ctxFor(plan, base, i, isTrain, seed + i), n.attrs, ins, outs, aux));
    names.push(n.name);
  }
  return { steps, names };
}

/**
 * Lowers the backward nodes: `_backward_<op>` nodes via OpDef.backward.lower (forward inputs,
 * outputs and aux of the node they differentiate, their output gradients, where to write input
 * gradients), gradient sums via their op's forward.
 * @example const p = lowerBackward(plan, arenaOff, refOf, 42);
 */
export function lowerBackward(plan: BindPlan, base: number, refOf: RefOf, seed: number, isTrain = true): Program {
  const ig = plan.g.indexed, steps: Step[] = [], names: string[] = [];
  for (const i of plan.backward) {
    const n = ig.nodes[i], inE = ig.inputsOf(i);
    const outs: TensorRef[] = [];
    for (let e = ig.entryPtr[i]; e < ig.entryPtr[i + 1]; e++) outs.push(refOf(e));
    if (!n.fwd) {
      const na = numArgs(n);
      steps.push(n.def!.forward(ctxFor(plan, base, i, isTrain, seed + i), n.attrs, Array.from(inE.subarray(0, na), refOf), outs, Array.from(inE.subarray(na), refOf)));
    } else {
      const fid = ig.nodeId(n.fwd), fIn = ig.inputsOf(fid), na = numArgs(n.fwd);
      const fOuts: TensorRef[] = [];
      for (let e = ig.entryPtr[fid]; e < ig.entryPtr[fid + 1]; e++) fOuts.push(refOf(e));
      steps.push(n.def!.backward!.lower(ctxFor(plan, base, i, isTrain, seed + i), n.attrs, {
        ins: Array.from(fIn.subarray(0, na), refOf), outs: fOuts, aux: Array.from(fIn.subarray(na), refOf),
        outGrads: Array.from(inE.subarray(0, n.nGradIn ?? 0), refOf), inGrads: outs, req: n.req!,
        own: outs.map((_, k) => plan.storage.offsets[ig.entryPtr[i] + k] < 0), // bound gradient arrays, not the arena
      }));
    }
    names.push(n.name);
  }
  return { steps, names };
}
