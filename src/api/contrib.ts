// mx.sym.contrib / mx.nd.contrib: MXNet's control-flow builders. The Symbol ones make _foreach / _while_loop / _cond
// nodes (src/symbol/contrib.ts); the NDArray ones are plain loops over imperative calls, as MXNet's are (autograd
// records what the body does).
import { ArgumentError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { cond as symCond, foreach as symForeach, whileLoop as symWhileLoop } from '../symbol/contrib.js';
import { callOp } from './nd.js';

const list = (v: NDArray | NDArray[] | undefined | null): NDArray[] => (v == null ? [] : Array.isArray(v) ? v : [v]);
/** Row i of axis 0 (a 1-d array keeps one element, as the Symbol version's slice). */
const row = (a: NDArray, i: number) => (a.ndim > 1 ? a.at(i) : a.slice(i, i + 1));
const stack = (xs: NDArray[]) => callOp('stack', [xs, { axis: 0, num_args: xs.length }]) as NDArray;

/**
 * MXNet's `mx.nd.contrib.foreach(body, data, init_states)`: `body(data[i], states) => [out, states]` for every i of
 * axis 0; returns `[outputs stacked on axis 0, last states]`.
 * @example const [outs, [s]] = mx.nd.contrib.foreach((x, [s]) => [x.add(s), [x.add(s)]], data, [s0]);
 */
export function foreach(body: (data: any, states: any) => [NDArray | NDArray[], NDArray | NDArray[]], data: NDArray | NDArray[], initStates: NDArray | NDArray[]): [any, any] {
  const ds = list(data), n = ds[0]?.shape[0] ?? 0;
  if (!ds.length || ds.some((d) => d.shape[0] !== n)) throw new ArgumentError('foreach: data must be NDArrays of the same length on axis 0');
  let states: any = initStates, outs: NDArray[][] = [], single = false;
  for (let i = 0; i < n; i++) {
    const x = Array.isArray(data) ? ds.map((d) => row(d, i)) : row(ds[0], i);
    const [o, s] = body(x, states);
    single = o instanceof NDArray;
    list(o).forEach((v, k) => (outs[k] ??= []).push(v));
    states = s;
  }
  const stacked = outs.map(stack);
  return [single ? stacked[0] : stacked, states];
}

/**
 * MXNet's `mx.nd.contrib.while_loop(cond, func, loop_vars, max_iterations)`: step outputs stacked, padded with
 * zeros to max_iterations rows (as the Symbol version), and the final loop variables.
 * @example const [[outs], [i, s]] = mx.nd.contrib.while_loop((i, s) => mx.nd._lesser_scalar(i, { scalar: 5 }), (i, s) => [[s], [i.add(1), s.add(i)]], [i0, s0], 10);
 */
export function whileLoop(cond: (...v: NDArray[]) => NDArray, func: (...v: NDArray[]) => [NDArray | NDArray[] | null, NDArray | NDArray[]], loopVars: NDArray | NDArray[],
  maxIterations: number): [NDArray[], any] {
  let vars = list(loopVars);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) throw new ArgumentError(`while_loop: max_iterations must be a positive integer, got ${maxIterations}`);
  const outs: NDArray[][] = [];
  let n = 0;
  for (; n < maxIterations && cond(...vars).asScalar(); n++) {
    const [o, s] = func(...vars);
    list(o).forEach((v, k) => (outs[k] ??= []).push(v));
    const next = list(s);
    if (next.length !== vars.length) throw new ArgumentError('while_loop: the number of loop_vars should be consistent during the loop');
    vars = next;
  }
  const padded = outs.map((rows) => {
    const pad = maxIterations - rows.length, r0 = rows[0];
    return stack(pad ? [...rows, ...Array.from({ length: pad }, () => callOp('zeros_like', [r0]) as NDArray)] : rows);
  });
  return [padded, Array.isArray(loopVars) ? vars : vars[0]];
}

/**
 * MXNet's `mx.nd.contrib.cond(pred, then_func, else_func)`: calls one of the two functions by a scalar.
 * @example const y = mx.nd.contrib.cond(a.sum().asScalar() < 5 ? one : zero, () => a.mul(2), () => a.add(1));
 */
export function cond(pred: NDArray, thenFunc: () => NDArray | NDArray[], elseFunc: () => NDArray | NDArray[]): NDArray | NDArray[] {
  return pred.asScalar() ? thenFunc() : elseFunc();
}

/** `mx.nd.contrib`. */
export const ndContrib = { foreach, while_loop: whileLoop, whileLoop, cond };
/** `mx.sym.contrib`. */
export const symContrib = { foreach: symForeach, while_loop: symWhileLoop, whileLoop: symWhileLoop, cond: symCond };
