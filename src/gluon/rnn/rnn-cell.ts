// gluon.rnn cells (MXNet 1.9 gluon/rnn/rnn_cell.py): one step `forward(x, states) -> [output, states]` written
// once for F = nd / sym (HybridBlocks: hybridizable, recorded by autograd), `unroll` over a sequence, MXNet's
// parameter names (`i2h_weight`...) and node names (`t<k>_i2h`...). Same gate math and parameter layout as the
// fused layers (rnn-layer.ts), so a layer's `l0_*` parameters in a cell give the same numbers.
import { ArgumentError } from '../../errors.js';
import { NDArray } from '../../ndarray/ndarray.js';
import { nd } from '../../api/nd.js';
import { sym } from '../../api/sym.js';
import { Symbol } from '../../symbol/symbol.js';
import { layerArgs } from '../args.js';
import { Block, HybridBlock, type BlockOptions } from '../block.js';
import { outputsOf, type BeginStateFunc } from './rnn-layer.js';

type P = Record<string, any>;
type Value = NDArray | Symbol;
interface StateInfo { shape: number[]; __layout__: string }
interface Cell extends Block { stateInfo(batchSize?: number): StateInfo[]; beginState(batchSize?: number, func?: BeginStateFunc): Value[]; reset(): void;
  forward(x: Value, states: Value[]): [Value, Value[]] }
export interface UnrollOptions {
  beginState?: Value[]; layout?: string; mergeOutputs?: boolean | null;
  /** (N,) lengths: outputs past a sample's length are zeros, the states are those at its last valid step. */
  validLength?: Value;
}

/** MXNet's _format_sequence: a merged sequence split into steps (or a list kept). */
function steps(length: number, inputs: Value | Value[], layout: string): { xs: Value[]; axis: number; F: P; batch: number } {
  const axis = layout.indexOf('T'), n = layout.indexOf('N');
  if (axis < 0) throw new ArgumentError(`unroll: layout '${layout}' has no time axis 'T'`);
  const first = Array.isArray(inputs) ? inputs[0] : inputs;
  const F: P = first instanceof Symbol ? sym : nd;
  if (Array.isArray(inputs)) {
    if (inputs.length !== length) throw new ArgumentError(`unroll: ${inputs.length} inputs for length ${length}`);
    return { xs: inputs, axis, F, batch: first instanceof NDArray ? first.shape[0] : 0 };
  }
  if (inputs instanceof NDArray && inputs.shape[axis] !== length) throw new ArgumentError(`unroll: the input has ${inputs.shape[axis]} steps along axis ${axis}, length is ${length}`);
  const xs = outputsOf(F.SliceChannel(inputs, { axis, num_outputs: length, squeeze_axis: 1 }), length);
  return { xs, axis, F, batch: inputs instanceof NDArray ? inputs.shape[n] : 0 };
}

/** MXNet's RecurrentCell.unroll for any cell. */
function unrollCell(cell: Cell, length: number, inputs: Value | Value[], o: UnrollOptions): [Value | Value[], Value[]] {
  cell.reset();
  const { xs, axis, F, batch } = steps(length, inputs, o.layout ?? 'NTC');
  let states = o.beginState ?? cell.beginState(batch, F === sym ? (s, k) => sym.zeros(s, k) : undefined);
  const outs: Value[] = [], all: Value[][] = [];
  for (let i = 0; i < length; i++) { const [y, s] = cell.forward(xs[i], states); outs.push(y); states = s; all.push(s); }
  const vl = o.validLength;
  if (!vl) return [o.mergeOutputs ? F.stack(...outs, { axis, num_args: length }) : outs, states];
  // MXNet: states by SequenceLast over the steps' states, outputs by SequenceMask.
  states = states.map((_, k) => F.SequenceLast(F.stack(...all.map((s) => s[k]), { axis: 0, num_args: length }), vl, { use_sequence_length: true, axis: 0 }));
  const merged = F.SequenceMask(F.stack(...outs, { axis, num_args: length }), vl, { use_sequence_length: true, axis });
  return [o.mergeOutputs ? merged : outputsOf(F.SliceChannel(merged, { num_outputs: length, axis, squeeze_axis: 1 }), length), states];
}

/** MXNet's begin_state: one state per stateInfo entry, named `prefix + 'begin_state_<k>'`. */
function beginStates(cell: { prefix: string; initCounter: number }, infos: StateInfo[], func: BeginStateFunc): Value[] {
  return infos.map((info) => func(info.shape, { name: `${cell.prefix}begin_state_${++cell.initCounter}` }));
}

/** Base of the hybridizable cells (MXNet's HybridRecurrentCell). */
export class HybridRecurrentCell extends HybridBlock implements Cell {
  /** Step counter (node names `t<k>_`). */ counter = -1;
  /** @internal */ initCounter = -1;
  private tracing = false;
  override trace(inputs: (NDArray | null | undefined)[]): ReturnType<HybridBlock['trace']> {
    this.tracing = true;
    try { return super.trace(inputs); } finally { this.tracing = false; }
  }
  stateInfo(_batchSize = 0): StateInfo[] { throw new ArgumentError(`${this.name}: stateInfo is not implemented`); }
  /** Zero begin states for a batch (`func` as mx.nd.zeros / mx.sym.zeros). @example cell.beginState(32) */
  beginState(batchSize = 0, func: BeginStateFunc = (s) => nd.zeros(s)): Value[] { return beginStates(this, this.stateInfo(batchSize), func); }
  /** Restarts the step and begin-state counters. */
  reset(): void { this.counter = -1; this.initCounter = -1; }
  /** One step. @example const [y, states] = cell.forward(x, cell.beginState(4)) */
  override forward(x: Value, states: Value[], ...flat: Value[]): [Value, Value[]] {
    if (this.tracing) return super.forward(x, states, ...flat); // its own trace: inputs and states flat
    this.counter++;
    const st = Array.isArray(states) ? states : [states];
    const r = outputsOf(super.forward(x, ...st), st.length + 1);
    return [r[0], r.slice(1)];
  }
  /**
   * Runs `length` steps over `inputs` (one array laid out as `layout`, default NTC, or a list of steps).
   * @example const [outs, states] = cell.unroll(5, x, { layout: 'NTC', mergeOutputs: true })
   */
  unroll(length: number, inputs: Value | Value[], o: UnrollOptions = {}): [Value | Value[], Value[]] { return unrollCell(this, length, inputs, o); }
  /** FullyConnected named `t<k>_<name>` as MXNet's cells name it. */
  protected fc(F: P, x: Value, w: Value, b: Value, n: number, name: string): Value { return F.FullyConnected(x, w, b, { num_hidden: n, name: `t${this.counter}_${name}` }); }
}

const cellArgs = (cls: string, extra: string[], args: unknown[]) => layerArgs(cls, [...extra, 'i2hWeightInitializer', 'h2hWeightInitializer', 'i2hBiasInitializer', 'h2hBiasInitializer', 'inputSize'],
  { i2hBiasInitializer: 'zeros', h2hBiasInitializer: 'zeros', inputSize: 0 }, args);

/** Registers the four parameters of a cell with `g` gates. */
function cellParams(b: HybridBlock, g: number, H: number, o: P): void {
  b.param('i2h_weight', { shape: [g * H, o.inputSize], init: o.i2hWeightInitializer, allowDeferredInit: true });
  b.param('h2h_weight', { shape: [g * H, H], init: o.h2hWeightInitializer, allowDeferredInit: true });
  b.param('i2h_bias', { shape: [g * H], init: o.i2hBiasInitializer, allowDeferredInit: true });
  b.param('h2h_bias', { shape: [g * H], init: o.h2hBiasInitializer, allowDeferredInit: true });
}

/**
 * Elman cell: h' = act(W_i x + b_i + W_h h + b_h) (activation 'tanh' default).
 * @example const cell = new mx.gluon.rnn.RNNCell(100); cell.initialize(); const [y, [h]] = cell.forward(x, cell.beginState(4))
 */
export class RNNCell extends HybridRecurrentCell {
  static override alias = 'rnn';
  readonly hiddenSize: number; readonly activation: string;
  constructor(hiddenSize: number, ...args: unknown[]) {
    const o = cellArgs('RNNCell', ['activation'], args);
    super({ prefix: o.prefix, params: o.params } as BlockOptions);
    this.hiddenSize = hiddenSize; this.activation = o.activation ?? 'tanh';
    cellParams(this, 1, hiddenSize, o);
  }
  override stateInfo(batchSize = 0): StateInfo[] { return [{ shape: [batchSize, this.hiddenSize], __layout__: 'NC' }]; }
  override hybridForward(F: P, x: Value, h: Value, p: P): Value[] {
    const t = `t${this.counter}_`, H = this.hiddenSize;
    const s = F.elemwise_add(this.fc(F, x, p.i2h_weight, p.i2h_bias, H, 'i2h'), this.fc(F, h, p.h2h_weight, p.h2h_bias, H, 'h2h'), { name: `${t}plus0` });
    const y = F.Activation(s, { act_type: this.activation, name: `${t}out` });
    return [y, y];
  }
}

/**
 * LSTM cell (gates i, f, g, o as the fused op): returns [h', [h', c']].
 * @example const cell = new mx.gluon.rnn.LSTMCell(100, { inputSize: 50 })
 */
export class LSTMCell extends HybridRecurrentCell {
  static override alias = 'lstm';
  readonly hiddenSize: number;
  constructor(hiddenSize: number, ...args: unknown[]) {
    const o = cellArgs('LSTMCell', [], args);
    super({ prefix: o.prefix, params: o.params } as BlockOptions);
    this.hiddenSize = hiddenSize;
    cellParams(this, 4, hiddenSize, o);
  }
  override stateInfo(batchSize = 0): StateInfo[] { return [0, 1].map(() => ({ shape: [batchSize, this.hiddenSize], __layout__: 'NC' })); }
  override hybridForward(F: P, x: Value, h: Value, c: Value, p: P): Value[] {
    const t = `t${this.counter}_`, H = this.hiddenSize;
    const gates = F.elemwise_add(this.fc(F, x, p.i2h_weight, p.i2h_bias, 4 * H, 'i2h'), this.fc(F, h, p.h2h_weight, p.h2h_bias, 4 * H, 'h2h'), { name: `${t}plus0` });
    const [gi, gf, gc, go] = outputsOf(F.SliceChannel(gates, { num_outputs: 4, name: `${t}slice` }), 4);
    const act = (v: Value, a: string, n: string) => F.Activation(v, { act_type: a, name: `${t}${n}` });
    const i = act(gi, 'sigmoid', 'i'), f = act(gf, 'sigmoid', 'f'), g = act(gc, 'tanh', 'c'), o = act(go, 'sigmoid', 'o');
    const c2 = F.elemwise_add(F.elemwise_mul(f, c, { name: `${t}mul0` }), F.elemwise_mul(i, g, { name: `${t}mul1` }), { name: `${t}state` });
    const h2 = F.elemwise_mul(o, F.Activation(c2, { act_type: 'tanh', name: `${t}activation0` }), { name: `${t}out` });
    return [h2, h2, c2];
  }
}

/**
 * GRU cell (gates r, z, n; n = tanh(W_n x + b_n + r * (U_n h + c_n)) as the fused op).
 * @example const cell = new mx.gluon.rnn.GRUCell(64)
 */
export class GRUCell extends HybridRecurrentCell {
  static override alias = 'gru';
  readonly hiddenSize: number;
  constructor(hiddenSize: number, ...args: unknown[]) {
    const o = cellArgs('GRUCell', [], args);
    super({ prefix: o.prefix, params: o.params } as BlockOptions);
    this.hiddenSize = hiddenSize;
    cellParams(this, 3, hiddenSize, o);
  }
  override stateInfo(batchSize = 0): StateInfo[] { return [{ shape: [batchSize, this.hiddenSize], __layout__: 'NC' }]; }
  override hybridForward(F: P, x: Value, h: Value, p: P): Value[] {
    const t = `t${this.counter}_`, H = this.hiddenSize;
    const [xr, xz, xn] = outputsOf(F.SliceChannel(this.fc(F, x, p.i2h_weight, p.i2h_bias, 3 * H, 'i2h'), { num_outputs: 3, name: `${t}i2h_slice` }), 3);
    const [hr, hz, hn] = outputsOf(F.SliceChannel(this.fc(F, h, p.h2h_weight, p.h2h_bias, 3 * H, 'h2h'), { num_outputs: 3, name: `${t}h2h_slice` }), 3);
    const r = F.Activation(F.elemwise_add(xr, hr, { name: `${t}plus0` }), { act_type: 'sigmoid', name: `${t}r_act` });
    const z = F.Activation(F.elemwise_add(xz, hz, { name: `${t}plus1` }), { act_type: 'sigmoid', name: `${t}z_act` });
    const n = F.Activation(F.elemwise_add(xn, F.elemwise_mul(r, hn, { name: `${t}mul0` }), { name: `${t}plus2` }), { act_type: 'tanh', name: `${t}h_act` });
    const ones = F.ones_like(z, { name: `${t}ones_like0` });
    const y = F.elemwise_add(F.elemwise_mul(F.elemwise_sub(ones, z, { name: `${t}minus0` }), n, { name: `${t}mul1` }), F.elemwise_mul(z, h, { name: `${t}mul20` }), { name: `${t}out` });
    return [y, y];
  }
}

/** One step of stacked cells: each takes its slice of the states; the outputs chain. */
function stackStep(cells: Cell[], x: Value, states: Value[]): [Value, Value[]] {
  const next: Value[] = [];
  let p = 0;
  for (const c of cells) {
    const n = c.stateInfo().length;
    const [y, s] = c.forward(x, states.slice(p, p + n));
    p += n; x = y; next.push(...s);
  }
  return [x, next];
}

/**
 * Stacks cells: each step runs them in order, states concatenated (MXNet's SequentialRNNCell).
 * @example const stack = new mx.gluon.rnn.SequentialRNNCell(); stack.add(new mx.gluon.rnn.LSTMCell(32)); stack.add(new mx.gluon.rnn.LSTMCell(32));
 */
export class SequentialRNNCell extends Block implements Cell {
  static override alias = 'sequentialrnncell';
  counter = -1;
  /** @internal */ initCounter = -1;
  constructor(o: BlockOptions = {}) { super(o); }
  /** Appends a cell. */
  add(cell: Cell): this { this.registerChild(cell); return this; }
  stateInfo(batchSize = 0): StateInfo[] { return [...this.children.values()].flatMap((c) => (c as Cell).stateInfo(batchSize)); }
  beginState(batchSize = 0, func?: BeginStateFunc): Value[] { return [...this.children.values()].flatMap((c) => (c as Cell).beginState(batchSize, func)); }
  reset(): void { this.counter = -1; this.initCounter = -1; for (const c of this.children.values()) (c as Cell).reset(); }
  override forward(x: Value, states: Value[]): [Value, Value[]] { this.counter++; return stackStep([...this.children.values()] as Cell[], x, states); }
  /** Runs `length` steps (see HybridRecurrentCell.unroll). */
  unroll(length: number, inputs: Value | Value[], o: UnrollOptions = {}): [Value | Value[], Value[]] { return unrollCell(this, length, inputs, o); }
}

/**
 * SequentialRNNCell of hybridizable cells, itself a HybridBlock (a child of hybridized blocks; hybridize()
 * hybridizes each cell). @example const stack = new mx.gluon.rnn.HybridSequentialRNNCell(); stack.add(new mx.gluon.rnn.GRUCell(8));
 */
export class HybridSequentialRNNCell extends HybridBlock implements Cell {
  static override alias = 'hybridsequentialrnncell';
  counter = -1;
  /** @internal */ initCounter = -1;
  constructor(o: BlockOptions = {}) { super(o); }
  /** Appends a cell. */
  add(cell: HybridRecurrentCell | HybridSequentialRNNCell): this { this.registerChild(cell); return this; }
  stateInfo(batchSize = 0): StateInfo[] { return [...this.children.values()].flatMap((c) => (c as Cell).stateInfo(batchSize)); }
  beginState(batchSize = 0, func?: BeginStateFunc): Value[] { return [...this.children.values()].flatMap((c) => (c as Cell).beginState(batchSize, func)); }
  reset(): void { this.counter = -1; this.initCounter = -1; for (const c of this.children.values()) (c as Cell).reset(); }
  override forward(x: Value, states: Value[]): [Value, Value[]] { this.counter++; return stackStep([...this.children.values()] as Cell[], x, states); }
  /** Runs `length` steps (see HybridRecurrentCell.unroll). */
  unroll(length: number, inputs: Value | Value[], o: UnrollOptions = {}): [Value | Value[], Value[]] { return unrollCell(this, length, inputs, o); }
}
