// Test helpers: the library (Node entry, from src), closeness checks, seeded data, finite differences.
import * as mx from '../src/entry/node.js';
import * as assert from 'uvu/assert';
import { mulberry32 } from '../src/util/random.js';
import { isMxError } from '../src/errors.js';
import { rt } from '../src/runtime/runtime.js';
import { f32 } from '../src/runtime/view.js';

export { mx };

// Under MXWASM_NUM_THREADS > 1 (CI runs the suite at 1 and 2 threads), start the workers before any
// test so that big kernels really run split.
if (mx.getNumThreads() > 1) await mx.threadsReady();

/**
 * Scratch float32 buffers in wasm memory for kernel tests: `put` copies data into fresh memory (at least 16 bytes) and
 * returns its byte offset, `get` reads n floats back as float64, `free` releases every buffer put since the last free.
 * @example const { put, get, free } = wasmScratch(); const o = put([1, 2]); get(o, 2); free();
 */
export function wasmScratch() {
  const R = rt(), live: number[] = [];
  const put = (a: ArrayLike<number>): number => { const off = R.alloc.alloc(Math.max(a.length, 4) * 4); live.push(off); f32(off, a.length).set(a); return off; };
  const get = (off: number, n: number) => Float64Array.from(f32(off, n));
  const free = () => { while (live.length) R.alloc.free(live.pop()!); };
  return { put, get, free };
}

/** Max |a-b| / (atol + rtol*|b|) <= 1 elementwise; returns a message or ''. */
export function closeMsg(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): string {
  if (a.length !== b.length) return `length ${a.length} != ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (Number.isNaN(x) !== Number.isNaN(y)) return `at ${i}: ${x} vs ${y}`;
    if (Number.isNaN(x)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) return `at ${i}: ${x} vs ${y} (|diff| ${Math.abs(x - y)})`;
  }
  return '';
}

/** Throws unless close. */
export function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-5, atol = 1e-6, what = ''): void {
  const m = closeMsg(a, b, rtol, atol);
  if (m) throw new Error(`${what ? what + ': ' : ''}not close ${m}`);
}

/** Seeded uniform values in [lo, hi). */
export function randArray(n: number, seed = 1, lo = -1, hi = 1): Float32Array {
  const r = mulberry32(seed); const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/** Sizes every elementwise kernel is checked at (SIMD tails, 1, primes, a large one). */
export const SIZES = [0, 1, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 65, 1031, 100003];

import { invoke, invokeWithGrad } from '../src/ndarray/invoke.js';
import type { NDArray } from '../src/ndarray/ndarray.js';
export { invoke, invokeWithGrad };

export interface GradCheckOptions {
  /** Finite-difference step (MXNet's check_numeric_gradient uses 1e-3; f32 often needs 1e-2). */
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Check at most this many elements per input (chosen with a fixed seed). */
  maxChecks?: number;
  /** Inputs (by index) not to check (labels, indices). */
  skip?: number[];
  /** Custom scalar loss of the outputs; default: sum(out_k * w_k) with fixed random w. For loss heads pass the loss itself. */
  loss?: (outs: NDArray[]) => number;
  isTrain?: boolean;
  seed?: number;
}

/**
 * Checks an op's backward against central finite differences of a scalar loss.
 * Loss = sum_k sum(out_k * w_k) with seeded random w_k, so the analytic gradient is the op's
 * backward with outGrads = w. For loss heads (which ignore out grads) pass `loss`.
 * @example gradCheck('Activation', [mx.nd.array(x)], { act_type: 'tanh' })
 */
export function gradCheck(op: string, inputs: NDArray[], attrs: Record<string, unknown> = {}, o: GradCheckOptions = {}): void {
  const eps = o.eps ?? 1e-2, rtol = o.rtol ?? 2e-2, atol = o.atol ?? 2e-3;
  const first = invoke(op, inputs, attrs, { isTrain: o.isTrain ?? true });
  const ws = first.map((out, k) => { const w = randArray(out.size, 1000 + k, -1, 1); out.dispose(); return w; });
  const lossOf = (outs: NDArray[]) => {
    if (o.loss) return o.loss(outs);
    let s = 0;
    outs.forEach((out, k) => { const d = out.data; const w = ws[k]; if (!w) return; for (let i = 0; i < d.length; i++) s += d[i] * w[i]; });
    return s;
  };
  const outGrads = ws.map((w) => mx.nd.array(w));
  const { outs, grads } = invokeWithGrad(op, inputs, attrs, outGrads, { isTrain: o.isTrain ?? true });
  outs.forEach((x) => x.dispose());
  const r = mulberry32(o.seed ?? 7);
  inputs.forEach((inp, idx) => {
    if (o.skip?.includes(idx) || !grads[idx]) return;
    const g = grads[idx]!.toTypedArray();
    const n = inp.size, m = Math.min(n, o.maxChecks ?? 40);
    const picks = n <= m ? [...Array(n).keys()] : Array.from({ length: m }, () => Math.floor(r() * n));
    for (const i of picks) {
      const d = inp.data, x0 = d[i];
      d[i] = x0 + eps; const lp = lossOf(invoke(op, inputs, attrs, { isTrain: o.isTrain ?? true }));
      inp.data[i] = x0 - eps; const lm = lossOf(invoke(op, inputs, attrs, { isTrain: o.isTrain ?? true }));
      inp.data[i] = x0;
      const num = (lp - lm) / (2 * eps);
      if (!(Math.abs(num - g[i]) <= atol + rtol * Math.max(Math.abs(num), Math.abs(g[i])))) {
        throw new Error(`${op}: gradient of input ${idx} at ${i}: analytic ${g[i]} vs numeric ${num}`);
      }
    }
  });
}

/** Asserts that `f` throws an MxError (whose message matches `re`, if given); `what` names the case in failures. */
export function expectMx(f: () => unknown, what: string, re?: RegExp): void {
  try { f(); } catch (e) {
    assert.ok(isMxError(e), `${what}: ${(e as Error).name}: ${(e as Error).message}`);
    if (re) assert.match((e as Error).message, re, what);
    return;
  }
  assert.unreachable(`${what}: no error`);
}
