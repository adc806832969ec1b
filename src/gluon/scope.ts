// Scopes of Gluon's imperative calls: error messages that name the block, and the disposal of temporaries.
import '../autograd/tape.js'; // first: its recorder is installed before this file chains onto it
import { MxError } from '../errors.js';
import { invokeHook } from '../ndarray/invoke.js';
import type { NDArray } from '../ndarray/ndarray.js';

// Imperative forwards free their temporaries (JS has no refcount to drop them as Python does): every array an op
// creates inside a block's forward that is neither returned nor an input is disposed when the forward returns. The
// autograd tape holds its own reference to what backward reads, so gradients are unaffected.
const scopes: NDArray[][] = [];
const prevRecord = invokeHook.record;
invokeHook.record = (def, a, node, ins, nIn, outs, isTrain) => {
  prevRecord?.(def, a, node, ins, nIn, outs, isTrain);
  const s = scopes[scopes.length - 1];
  if (s) for (const o of outs) s.push(o);
};

/** Runs an imperative forward in a scope that disposes its unreturned temporaries (returned ones move to the parent scope). */
export function tidyForward<T>(inputs: unknown[], fn: () => T): T {
  const created: NDArray[] = [];
  scopes.push(created);
  let out: T;
  try { out = fn(); } finally { scopes.pop(); }
  const ret = new Set<unknown>(Array.isArray(out) ? out : [out]);
  const parent = scopes[scopes.length - 1];
  for (const a of created) {
    if (ret.has(a)) parent?.push(a);
    else if (!inputs.includes(a)) a.dispose();
  }
  return out;
}

/** Runs fn; an MxError from inside gets the block's name in front of its message (bad input names the block). */
export function named<T>(b: { name: string }, fn: () => T): T {
  try { return fn(); } catch (e) { throw renamed(b, e); }
}

/** `e` with the block's name in front of its message when it is an MxError (for callers that avoid a closure). */
export function renamed(b: { name: string }, e: unknown): unknown {
  if (e instanceof MxError && !e.message.startsWith('Block ')) e.message = `Block ${b.name}: ${e.message}`;
  return e;
}

