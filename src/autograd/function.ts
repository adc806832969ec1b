// mx.autograd.Function (MXNet's autograd.Function): a user-defined differentiable function, forward and backward
// written with NDArray ops. forward runs with recording paused; the call is one tape node whose backward calls the
// user's backward (also unrecorded, except inside autograd.grad({ createGraph }), where it is recorded).
import { ArgumentError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { GradReq, TensorRef } from '../ops/registry.js';
import { rt } from '../runtime/runtime.js';
import { view } from '../runtime/view.js';
import { recordCustom, state } from './tape.js';
import { kernelCall } from '../runtime/manifest/args.js';

const list = (x: NDArray | NDArray[] | (NDArray | null | undefined)[] | null | undefined): (NDArray | null | undefined)[] => (Array.isArray(x) ? x : [x]);

function fromRef(r: TensorRef): NDArray {
  const a = NDArray.empty([...r.shape], r.dtype);
  kernelCall(rt().K, 'x8_copy', { src: r.off, dst: a.byteOffset, n: a.nbytes });
  return a;
}

/**
 * A custom differentiable function: subclass it, override `forward(...inputs)` and `backward(...outputGrads)`
 * (returning one gradient per input), keep what backward needs with `saveForBackward`, and run it with `call`.
 * @example
 * class Sigmoid extends mx.autograd.Function {
 *   forward(x) { const y = mx.nd.sigmoid(x); this.saveForBackward(y); return y; }
 *   backward(dy) { const [y] = this.savedTensors; return dy.mul(y).mul(y.mul(-1).add(1)); }
 * }
 * x.attachGrad(); const y = mx.autograd.record(() => new Sigmoid().call(x)); y.backward();
 */
export class Function {
  private saved: NDArray[] = [];

  /** Keeps arrays for backward (MXNet's save_for_backward). @example this.saveForBackward(y) */
  saveForBackward(...arrays: NDArray[]): void { this.saved = arrays; }
  /** The arrays given to saveForBackward. @example const [y] = this.savedTensors */
  get savedTensors(): NDArray[] { return this.saved; }

  /** The computation (override). @example forward(x) { return mx.nd.exp(x); } */
  forward(..._inputs: NDArray[]): NDArray | NDArray[] { throw new ArgumentError(`${this.constructor.name}: forward is not implemented`); }
  /** Gradients of the inputs from those of the outputs (override). @example backward(dy) { return dy.mul(2); } */
  backward(..._outGrads: NDArray[]): NDArray | (NDArray | null | undefined)[] { throw new ArgumentError(`${this.constructor.name}: backward is not implemented`); }

  /**
   * Runs forward (recording paused) and, under autograd.record, records the call as one node (MXNet's `__call__`).
   * @example const y = mx.autograd.record(() => fn.call(x));
   */
  call(...inputs: NDArray[]): NDArray | NDArray[] {
    const name = this.constructor.name;
    inputs.forEach((x, i) => { if (!(x instanceof NDArray)) throw new ArgumentError(`${name}: input ${i} is not an NDArray`); });
    const was = state.recording;
    state.recording = false;
    let res: NDArray | NDArray[];
    try { res = this.forward(...inputs); } finally { state.recording = was; }
    // an output that is an input (or another output) gets its own array: it is a new node's output in the graph
    const outs = list(res).map((o, i, all) => {
      if (!(o instanceof NDArray)) throw new ArgumentError(`${name}: forward must return NDArrays (output ${i})`);
      return inputs.includes(o) || all.indexOf(o) !== i ? o.copy() : o;
    });
    if (was) {
      const grads = (og: NDArray[]): (NDArray | undefined)[] => {
        const g = list(this.backward(...og));
        if (g.length !== inputs.length) throw new ArgumentError(`${name}: backward returned ${g.length} gradients for ${inputs.length} inputs`);
        return g.map((x, i) => {
          if (x == null) return undefined;
          if (!(x instanceof NDArray) || x.size !== inputs[i].size) throw new ArgumentError(`${name}: backward's gradient ${i} must be an NDArray of shape (${inputs[i].shape.join(',')})`);
          return x;
        });
      };
      recordCustom(name, inputs, outs, (og: TensorRef[], ig: TensorRef[], req: GradReq[]) => {
        const ogs = og.map(fromRef);
        const rec = state.recording;
        state.recording = false;
        try {
          grads(ogs).forEach((g, k) => {
            if (req[k] === 'null') return;
            if (g) kernelCall(rt().K, 'x8_copy', { src: g.byteOffset, dst: ig[k].off, n: g.nbytes });
            else view(ig[k].dtype, ig[k].off, ig[k].size).fill(0);
          });
        } finally { state.recording = rec; for (const a of ogs) a.dispose(); }
      }, false, grads);
    }
    return Array.isArray(res) ? outs : outs[0];
  }
}
