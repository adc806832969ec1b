import { ArgumentError, ShapeError } from '../errors.js';
import { numVisible, outputName } from '../graph/indexed.js';
import { isVariable, type Node } from '../graph/node.js';
import { NDArray } from '../ndarray/ndarray.js';
import { assertOwnNDArray } from '../ndarray/foreign.js';
import { checkValues, copyValuesIn } from './values-in.js';
import { Storage, storageRegistry } from '../ndarray/storage.js';
import type { GradReq, Step, TensorRef } from '../ops/registry.js';
import { DTYPE_BYTES, type TypedArray } from '../runtime/dtype.js';
import { rt } from '../runtime/runtime.js';
import { view } from '../runtime/view.js';
import { fmtShape, prod, sameShape } from '../util/shape.js';
import { lowerBackward, lowerForward, runProgram, type Program } from './program.js';
import { withThreadCount } from '../runtime/parts.js';
import type { BindPlan } from './plan.js';
import { kernelStep } from '../runtime/manifest/args.js';
import type { SegmentRunner } from './segment-runner.js';

/** What an Executor is built from (see bind.ts, which makes these from user arguments). */
export interface ExecutorParts {
  plan: BindPlan;
  argNames: string[];
  auxNames: string[];
  outputNames: string[];
  args: NDArray[];
  grads: (NDArray | undefined)[];
  aux: NDArray[];
  gradReq: Record<string, GradReq>;
  /** Arrays this executor allocated (freed by dispose). */
  owned: NDArray[];
  /** Rebinds with new input shapes (set by bind.ts; used by reshape). */
  rebind: (shapes: Record<string, number[]>, from: Executor) => Executor;
  /** An executor whose arena this one reuses when it is large enough (BindOptions.sharedExec). */
  shared?: Executor;
  segments?: SegmentRunner; // data-dependent shapes: static segments and dynamic ops (segments.ts); `plan` unused
}

let seedBase = 0x1234;
/** Releases the arena of an executor that was never disposed, when it is collected. */
const arenas = storageRegistry();

/**
 * Runs one planned graph. Arguments, gradients and aux states are NDArrays; every internal entry
 * lives in one arena planned at bind. `forward`/`backward` loop over pre-lowered steps: no
 * allocation and no decisions at run time. Programs are built lazily, one per isTrain mode.
 * @example
 * const exe = net.simpleBind({ shapes: { data: [64, 784] } });
 * exe.forward({ isTrain: true, data: batch, softmax_label: labels });
 * exe.backward();
 * exe.gradDict.fc1_weight.toArray();
 */
export class Executor {
  readonly outputs: NDArray[];
  readonly argArrays: NDArray[];
  readonly gradArrays: (NDArray | undefined)[];
  readonly auxArrays: NDArray[];
  readonly argDict: Record<string, NDArray> = {};
  readonly gradDict: Record<string, NDArray> = {};
  readonly auxDict: Record<string, NDArray> = {};
  readonly outputDict: Record<string, NDArray> = {};
  private arena?: Storage;
  private arenaOff = 0;
  private programs: (Program | undefined)[] = [undefined, undefined];
  private bwd: (Program | undefined)[] = [undefined, undefined];
  private headGrads: (NDArray | undefined)[] = [];
  private extra: NDArray[] = [];
  private refOf!: (e: number) => TensorRef;
  private seed = seedBase++;
  /** Gradient copy/accumulate steps after the backward program ('add' requests, non-external results). */
  private gradSteps: Step[];
  /** The NDArray behind each external entry (arguments, aux, head gradients, 'write' gradients). */
  private extArrays = new Map<number, NDArray>();
  private monitor?: { cb: (name: string, arr: NDArray) => void; all: boolean };
  /** The mode of the last forward (undefined before the first). */
  private trained: boolean | undefined;
  private disposed = false;

  /** @internal Use Symbol.simpleBind / Symbol.bind. */
  constructor(private parts: ExecutorParts) {
    const { plan } = parts;
    this.argArrays = parts.args; this.gradArrays = parts.grads; this.auxArrays = parts.aux;
    parts.argNames.forEach((n, i) => { this.argDict[n] = parts.args[i]; if (parts.grads[i]) this.gradDict[n] = parts.grads[i]!; });
    parts.auxNames.forEach((n, i) => { this.auxDict[n] = parts.aux[i]; });
    if (parts.segments) { this.outputs = []; this.gradSteps = []; return; } // outputs known after each forward
    if (plan.storage.arenaBytes > 0) {
      const sh = parts.shared?.arena;
      this.arena = (sh && !sh.freed && sh.bytes >= plan.storage.arenaBytes ? sh : Storage.alloc(plan.storage.arenaBytes)).retain();
      this.arenaOff = this.arena.off; arenas.register(this, this.arena, this);
    }
    const ig = plan.g.indexed, byName = new Map<Node, NDArray>();
    const varArray = new Map<string, NDArray>();
    parts.argNames.forEach((n, i) => varArray.set(n, parts.args[i]));
    parts.auxNames.forEach((n, i) => varArray.set(n, parts.aux[i]));
    const g = plan.grad;
    if (g) {
      this.headGrads = g.headGradVars.map((v, k) => {
        if (!v) return undefined;
        const e = ig.outputs[k];
        const a = NDArray.empty([...plan.shapes[e]], plan.types[e]);
        this.extra.push(a); byName.set(v, a); return a;
      });
      for (const z of g.zeroVars) {
        const e = ig.entryPtr[ig.nodeId(z)];
        const a = NDArray.empty([...plan.shapes[e]], plan.types[e]);
        a.data.fill(0); this.extra.push(a); byName.set(z, a);
      }
    }
    const extOff = new Map<number, number>();
    ig.inputNodes.forEach((id) => {
      const n = ig.nodes[id];
      const a = byName.get(n) ?? varArray.get(n.name);
      if (!a) throw new ArgumentError(`bind: no array for variable '${n.name}'`);
      assertOwnNDArray(a, `bind: the array for '${n.name}'`);
      const e = ig.entryPtr[id];
      if (!sameShape(a.shape, plan.shapes[e])) throw new ShapeError(`bind: array for '${n.name}' has shape ${fmtShape(a.shape)}, the graph needs ${fmtShape(plan.shapes[e])}`, { arg: n.name });
      extOff.set(e, a.byteOffset); this.extArrays.set(e, a);
    });
    this.refOf = (e: number) => {
      const o = plan.storage.offsets[e];
      const off = o >= 0 ? this.arenaOff + o : extOff.get(e);
      if (off === undefined) throw new ArgumentError(`bind: entry ${e} has no storage`);
      return { off, shape: plan.shapes[e], dtype: plan.types[e], size: prod(plan.shapes[e]) };
    };
    const gradSteps: Step[] = [];
    if (g) {
      const K = rt().K;
      parts.argNames.forEach((name, i) => {
        const req = parts.gradReq[name] ?? 'null', dst = parts.grads[i];
        if (req === 'null' || !dst) return;
        const k = g.gradOutput[name];
        if (k === undefined) { if (req === 'write') dst.data.fill(0); return; }
        const e = ig.outputs[k];
        if (plan.storage.offsets[e] < 0 && !extOff.has(e)) { extOff.set(e, dst.byteOffset); this.extArrays.set(e, dst); return; }
        const src = () => this.refOf(e).off, n = dst.size, d = dst.byteOffset; // internal or a variable's array
        gradSteps.push(req === 'add' ? kernelStep(K, 'f32_vadd__simd128_u8', { x: d, y: src(), z: d, n }) : kernelStep(K, 'x8_copy', { src: src(), dst: d, n: n * DTYPE_BYTES[dst.dtype] }));
      });
    }
    this.gradSteps = gradSteps;
    this.outputs = plan.heads.map((h, k) => {
      const e = ig.outputs[k];
      if (isVariable(h.node)) return varArray.get(h.node.name)!;
      return new NDArray(this.arena!, this.arenaOff + plan.storage.offsets[e], [...plan.shapes[e]], plan.types[e]);
    });
    parts.outputNames.forEach((n, i) => { this.outputDict[n] = this.outputs[i]; });
  }

  /** Bytes of the planned arena and of the naive one-buffer-per-entry layout. @example exe.memory.arenaBytes */
  get memory(): { arenaBytes: number; naiveBytes: number; inplace: number } {
    const seg = this.parts.segments; if (seg) return { arenaBytes: seg.arenaBytes, naiveBytes: seg.naiveBytes, inplace: 0 };
    const s = this.parts.plan.storage;
    return { arenaBytes: s.arenaBytes, naiveBytes: s.naiveBytes, inplace: s.inplaceCount };
  }

  /**
   * Runs the forward program. Named inputs (NDArrays or typed arrays) are copied into the
   * argument arrays first. Returns `outputs` (views into the arena, valid until the next forward).
   * @example exe.forward({ isTrain: false, data: new Float32Array(784) })[0].toArray()
   */
  forward(opts: { isTrain?: boolean; [name: string]: NDArray | TypedArray | BigInt64Array | ArrayLike<number> | boolean | undefined } = {}): NDArray[] {
    this.check();
    for (const k in opts) {
      if (k === 'isTrain') continue;
      const dst = Object.hasOwn(this.argDict, k) ? this.argDict[k] : Object.hasOwn(this.auxDict, k) ? this.auxDict[k] : undefined;
      const v = opts[k];
      if (!dst) throw new ArgumentError(`forward: unknown argument '${k}' (arguments: ${this.parts.argNames.join(', ')})`);
      if (v === undefined) continue;
      assertOwnNDArray(v, `forward: '${k}'`);
      if (v instanceof NDArray) {
        if (v.isDisposed) throw new ArgumentError(`forward: '${k}' is a disposed NDArray`, { arg: k });
        if (v === dst) continue;
        if (!sameShape(v.shape, dst.shape)) throw new ShapeError(`forward: '${k}' has shape ${fmtShape(v.shape)}, expected ${fmtShape(dst.shape)}`, { arg: k });
        copyValuesIn(dst, view(v.dtype, v.byteOffset, v.size), `forward: '${k}'`, k, v.dtype);
        continue;
      }
      copyValuesIn(dst, v, `forward: '${k}'`, k);
    }
    const t = opts.isTrain ? 1 : 0;
    this.trained = !!t;
    const seg = this.parts.segments;
    if (seg) { this.outputs.splice(0, this.outputs.length, ...seg.run(!!t)); this.parts.outputNames.forEach((n, i) => { this.outputDict[n] = this.outputs[i]; }); return this.outputs; }
    const p = this.programs[t] ??= this.withMonitor(this.lower(() => lowerForward(this.parts.plan, this.arenaOff, this.refOf, !!t, this.seed)));
    runProgram(p);
    return this.outputs;
  }

  /**
   * Runs the backward program: gradients of every argument with grad_req write/add. `outGrads`
   * (one per output, NDArray or typed array) are needed unless the heads are loss ops.
   * @example exe.backward(); exe.backward([mx.nd.ones([64, 10])]);
   */
  backward(outGrads?: (NDArray | ArrayLike<number>)[] | NDArray): void {
    this.check();
    if (this.parts.segments) throw new ArgumentError(`backward: an op with a data-dependent shape (${this.parts.segments.firstDynamic}): forward only; use mx.autograd`);
    const g = this.parts.plan.grad;
    if (!g) throw new ArgumentError('backward: this executor was bound with grad_req null for every argument');
    // After an inference forward MXNet differentiates the inference function (is_train=False): BatchNorm through
    // the moving statistics, Dropout as the identity, RReLU with the mean slope; a program per mode.
    if (this.trained === undefined) throw new ArgumentError('backward: call forward() first');
    const og = outGrads instanceof NDArray ? [outGrads] : outGrads ?? [];
    this.headGrads.forEach((h, k) => {
      if (!h) return;
      const v = og[k];
      if (!v) throw new ArgumentError(`backward: output ${k} (${this.parts.outputNames[k]}) is not a loss, so its head gradient is required`);
      if (v instanceof NDArray && v.isDisposed) throw new ArgumentError(`backward: head gradient ${k} is a disposed NDArray`, { arg: k });
      const src = v instanceof NDArray ? view(v.dtype, v.byteOffset, v.size) : checkValues(v, `backward: head gradient ${k}`, k);
      if (src.length !== h.size) throw new ShapeError(`backward: head gradient ${k} has ${src.length} values, expected shape ${fmtShape(h.shape)}`);
      view(h.dtype, h.byteOffset, h.size).set(src);
    });
    const t = this.trained ? 1 : 0;
    const p = this.bwd[t] ??= this.lower(() => lowerBackward(this.parts.plan, this.arenaOff, this.refOf, this.seed + 7919, !!t));
    runProgram(p);
    for (const s of this.gradSteps) s();
  }

  /**
   * Copies parameter values in by name. Names that are not arguments (aux states) throw unless
   * `allowExtra`. @example exe.copyParamsFrom(argParams, auxParams)
   */
  copyParamsFrom(argParams: Record<string, NDArray>, auxParams: Record<string, NDArray> = {}, allowExtra = false): void {
    for (const [dict, src, what] of [[this.argDict, argParams, 'arguments'], [this.auxDict, auxParams, 'auxiliary states']] as const) {
      for (const [k, v] of Object.entries(src)) {
        const d = dict[k];
        if (!d) { if (allowExtra) continue; throw new ArgumentError(`copyParamsFrom: '${k}' is not in the ${what}`); }
        if (!sameShape(d.shape, v.shape)) throw new ShapeError(`copyParamsFrom: '${k}' has shape ${fmtShape(v.shape)}, expected ${fmtShape(d.shape)}`);
        v.copyTo(d);
      }
    }
  }

  /**
   * A new executor for new input shapes (e.g. another batch size). Arrays whose shape does not
   * change (the parameters) are shared with this executor.
   * @example const exe1 = exe.reshape({ data: [1, 784] });
   */
  reshape(shapes: Record<string, number[]>): Executor { this.check(); return this.parts.rebind(shapes, this); }

  /** Frees the arena and every array this executor allocated. Shared arrays stay valid. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    arenas.unregister(this);
    for (const a of [...this.parts.owned, ...this.extra]) a.dispose();
    for (const o of this.outputs) if (o.storage === this.arena) o.dispose();
    this.arena?.release();
    this.parts.segments?.dispose();
  }

  /**
   * MXNet's set_monitor_callback: after every forward op, `cb(name, array)` for each of its visible
   * outputs (`fc1_output`), and with `monitorAll` its inputs too. Arrays are views, valid during the
   * call. Pass undefined to remove. @example exe.setMonitorCallback((n, a) => console.log(n, a.shape))
   */
  setMonitorCallback(cb: ((name: string, arr: NDArray) => void) | undefined, monitorAll = false): void {
    this.monitor = cb && { cb, all: monitorAll };
    this.programs = [undefined, undefined];
  }

  /** Lowers under the thread count the memory plan had (conv lanes: one workspace per lane), whatever it is now. */
  private lower(f: () => Program): Program { return withThreadCount(this.parts.plan.threads, f); }

  private withMonitor(p: Program): Program {
    const m = this.monitor;
    if (!m) return p;
    const { plan } = this.parts, ig = plan.g.indexed, steps: Step[] = [];
    const arr = (e: number) => {
      if (plan.storage.offsets[e] < 0) return this.extArrays.get(e)!;
      const r = this.refOf(e), a = new NDArray(this.arena!, r.off, [...r.shape], r.dtype);
      this.extra.push(a);
      return a;
    };
    plan.forward.forEach((i, k) => {
      const n = ig.nodes[i], watch: [string, NDArray][] = [];
      if (m.all) ig.inputsOf(i).forEach((e, j) => watch.push([`${n.name}_input${j}`, arr(e)]));
      for (let j = 0; j < numVisible(n); j++) watch.push([outputName({ node: n, index: j }), arr(ig.entryPtr[i] + j)]);
      steps.push(p.steps[k], () => { for (const [name, a] of watch) m.cb(name, a); });
    });
    return { steps, names: p.steps.flatMap((_, k) => [p.names[k], p.names[k]]) };
  }

  /**
   * The plan as text (MXNet's debug_str): every node with its op, output shapes and arena offsets,
   * then planned vs naive bytes. @example console.log(exe.debugStr())
   */
  debugStr(): string {
    if (this.parts.segments) return this.parts.segments.debugStr();
    const { plan } = this.parts, ig = plan.g.indexed, st = plan.storage;
    const lines = ig.nodes.map((n, i) => {
      const outs: string[] = [];
      for (let e = ig.entryPtr[i]; e < ig.entryPtr[i + 1]; e++) outs.push(`${fmtShape(plan.shapes[e])}@${st.offsets[e] < 0 ? 'ext' : st.offsets[e]}`);
      return `${n.op === 'null' ? 'Variable' : `Op:${n.op}`}, Name=${n.name} -> ${outs.join(' ')}${st.wsBytes[i] ? ` ws ${st.wsBytes[i]}@${st.wsOffsets[i]}` : ''}`;
    });
    lines.push(`Total ${(st.arenaBytes / 2 ** 20).toFixed(3)} MiB planned (naive ${(st.naiveBytes / 2 ** 20).toFixed(3)} MiB), ${st.inplaceCount} in place`);
    return lines.join('\n');
  }

  /** @internal */ get bindParts(): ExecutorParts { return this.parts; }

  private check(): void { if (this.disposed) throw new ArgumentError('use of a disposed Executor'); }
}

export { checkValues } from './values-in.js';
