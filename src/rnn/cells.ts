// mx.rnn cells (MXNet 1.x python/mxnet/rnn/rnn_cell.py): symbol graph builders for one step (`call`) and a
// whole sequence (`unroll`), with MXNet's parameter and node names. RNNCell / LSTMCell / GRUCell build the
// unfused graph (FullyConnected + SliceChannel + Activation), FusedRNNCell (fused.ts) one RNN op.
import { ArgumentError } from '../errors.js';
import { createOp, Variable } from '../symbol/create.js';
import { Symbol } from '../symbol/symbol.js';
import { LSTMBias } from '../init/index.js';

const op = (name: string, ins: Symbol[], kw: Record<string, unknown> = {}) => createOp(name, ins, kw, name);

/** A state's description: shape with 0 for the batch, and layout. */
export interface StateInfo { shape: number[]; __layout__: string }
/** What `beginState` calls to make a state: MXNet's `func(name=..., **info)`. */
export type StateFunc = (name: string, info: StateInfo) => Symbol;

/** Parameter variables of a cell, created once per name (MXNet's RNNParams). @example new RNNParams('lstm_').get('i2h_weight') */
export class RNNParams {
  private readonly vars = new Map<string, Symbol>();
  constructor(readonly prefix = '') {}
  /** The variable `prefix + name` (made on first use, with `init` when given). */
  get(name: string, init?: unknown): Symbol {
    const full = this.prefix + name;
    if (!this.vars.has(full)) this.vars.set(full, Variable(full, init === undefined ? {} : { init }));
    return this.vars.get(full)!;
  }
}

/** Splits a sequence symbol (layout with a 'T') into `length` steps, or passes a list through. */
export function normalizeSequence(length: number, inputs: Symbol | Symbol[], layout: string, merge: boolean | undefined): { seq: Symbol | Symbol[]; axis: number } {
  const axis = layout.indexOf('T');
  if (axis < 0) throw new ArgumentError(`unroll: layout '${layout}' has no time axis 'T'`);
  if (inputs instanceof Symbol) {
    if (merge === true) return { seq: inputs, axis };
    if (inputs.numOutputs !== 1) return { seq: [...Array(inputs.numOutputs).keys()].map((i) => inputs.get(i)), axis };
    const parts = op('SliceChannel', [inputs], { axis, num_outputs: length, squeeze_axis: 1 });
    return { seq: length === 1 ? [parts] : [...Array(length).keys()].map((i) => parts.get(i)), axis };
  }
  if (inputs.length !== length) throw new ArgumentError(`unroll: ${inputs.length} inputs for length ${length}`);
  if (merge === true) return { seq: op('Concat', inputs.map((x) => op('expand_dims', [x], { axis })), { dim: axis, num_args: length }), axis };
  return { seq: inputs, axis };
}

/** Base of every cell: state description, begin states, unroll. */
export abstract class BaseRNNCell {
  readonly params: RNNParams;
  protected counter = -1;
  protected initCounter = -1;
  constructor(readonly prefix = '', params?: RNNParams) { this.params = params ?? new RNNParams(prefix); }
  /** One entry per state. */
  abstract get stateInfo(): StateInfo[];
  /** One step: (output, next states). */
  abstract call(inputs: Symbol, states: Symbol[]): [Symbol, Symbol[]];
  /** Resets the step counter (node names restart at t0). */
  reset(): void { this.counter = -1; this.initCounter = -1; }
  /**
   * Initial states: `func(name, info)` per state (default MXNet's `mx.sym.zeros` named `prefix + 'begin_state_<k>'`
   * of shape (0, H): shape inference fills in the batch).
   * @example cell.beginState((name, info) => mx.sym.zeros([32, info.shape[1]], { name }))
   */
  beginState(func?: StateFunc): Symbol[] {
    return this.stateInfo.map((info) => {
      this.initCounter++;
      const name = `${this.prefix}begin_state_${this.initCounter}`;
      return func ? func(name, info) : createOp('_zeros', [], { shape: info.shape, dtype: 'float32', name, attr: { __layout__: info.__layout__ } });
    });
  }
  /**
   * Unrolls the cell over `length` steps of `inputs` (one symbol laid out as `layout`, or a list of steps).
   * Returns the outputs (merged into one symbol when mergeOutputs) and the final states.
   * @example const [outs, states] = cell.unroll(35, data, { layout: 'NTC', mergeOutputs: true })
   */
  unroll(length: number, inputs: Symbol | Symbol[], o: UnrollOptions = {}): [Symbol | Symbol[], Symbol[]] {
    this.reset();
    const layout = o.layout ?? 'NTC', { seq } = normalizeSequence(length, inputs, layout, false);
    let states = o.beginState ?? this.beginState();
    const outs: Symbol[] = [];
    for (const x of seq as Symbol[]) { const [y, s] = this.call(x, states); outs.push(y); states = s; }
    return [mergeOutputs(outs, layout, o.mergeOutputs), states];
  }
}

/** Options of `unroll`. */
export interface UnrollOptions { beginState?: Symbol[]; layout?: string; mergeOutputs?: boolean }

/** Stacks step outputs along the time axis when merge is set. */
export function mergeOutputs(outs: Symbol[], layout: string, merge: boolean | undefined): Symbol | Symbol[] {
  if (!merge) return outs;
  const axis = layout.indexOf('T');
  return op('Concat', outs.map((x) => op('expand_dims', [x], { axis })), { dim: axis, num_args: outs.length });
}

/** Cells with i2h / h2h FullyConnected layers. */
abstract class GatedCell extends BaseRNNCell {
  protected readonly iW: Symbol; protected readonly iB: Symbol; protected readonly hW: Symbol; protected readonly hB: Symbol;
  constructor(readonly numHidden: number, prefix: string, params: RNNParams | undefined, iBInit?: unknown) {
    super(prefix, params);
    this.iW = this.params.get('i2h_weight'); this.iB = this.params.get('i2h_bias', iBInit);
    this.hW = this.params.get('h2h_weight'); this.hB = this.params.get('h2h_bias');
  }
  get stateInfo(): StateInfo[] { return [{ shape: [0, this.numHidden], __layout__: 'NC' }]; }
  /** Gate names (MXNet's _gate_names), for pack / unpack. */
  abstract get gateNames(): string[];
  protected fcs(x: Symbol, h: Symbol, gates: number): [string, Symbol, Symbol] {
    this.counter++;
    const name = `${this.prefix}t${this.counter}_`, n = this.numHidden * gates;
    return [name, op('FullyConnected', [x, this.iW, this.iB], { num_hidden: n, name: `${name}i2h` }), op('FullyConnected', [h, this.hW, this.hB], { num_hidden: n, name: `${name}h2h` })];
  }
}

/**
 * Vanilla RNN cell: h' = act(W_i x + b_i + W_h h + b_h). @example new mx.rnn.RNNCell(64, { activation: 'relu', prefix: 'rnn_' })
 */
export class RNNCell extends GatedCell {
  readonly activation: string;
  constructor(numHidden: number, o: { activation?: string; prefix?: string; params?: RNNParams } = {}) {
    super(numHidden, o.prefix ?? 'rnn_', o.params);
    this.activation = o.activation ?? 'tanh';
  }
  get gateNames(): string[] { return ['']; }
  call(x: Symbol, states: Symbol[]): [Symbol, Symbol[]] {
    const [name, i2h, h2h] = this.fcs(x, states[0], 1);
    const out = op('Activation', [op('elemwise_add', [i2h, h2h], { name: `${name}plus0` })], { act_type: this.activation, name: `${name}out` });
    return [out, [out]];
  }
}

/** LSTM cell (gates i, f, c, o; i2h bias initialised with LSTMBias(forget_bias)). @example new mx.rnn.LSTMCell(256, { prefix: 'lstm_l0_' }) */
export class LSTMCell extends GatedCell {
  constructor(numHidden: number, o: { prefix?: string; params?: RNNParams; forgetBias?: number } = {}) {
    super(numHidden, o.prefix ?? 'lstm_', o.params, new LSTMBias(o.forgetBias ?? 1));
  }
  get gateNames(): string[] { return ['_i', '_f', '_c', '_o']; }
  get stateInfo(): StateInfo[] { return [{ shape: [0, this.numHidden], __layout__: 'NC' }, { shape: [0, this.numHidden], __layout__: 'NC' }]; }
  call(x: Symbol, states: Symbol[]): [Symbol, Symbol[]] {
    const [name, i2h, h2h] = this.fcs(x, states[0], 4);
    const gates = op('elemwise_add', [i2h, h2h], { name: `${name}plus0` });
    const s = op('SliceChannel', [gates], { num_outputs: 4, name: `${name}slice` });
    const act = (k: number, t: string, n: string) => op('Activation', [s.get(k)], { act_type: t, name: `${name}${n}` });
    const i = act(0, 'sigmoid', 'i'), f = act(1, 'sigmoid', 'f'), c = act(2, 'tanh', 'c'), o = act(3, 'sigmoid', 'o');
    const nextC = op('_plus', [op('elemwise_mul', [f, states[1]], { name: `${name}mul0` }), op('elemwise_mul', [i, c], { name: `${name}mul1` })], { name: `${name}state` });
    const nextH = op('_mul', [o, op('Activation', [nextC], { act_type: 'tanh', name: `${name}activation0` })], { name: `${name}out` });
    return [nextH, [nextH, nextC]];
  }
}

/** GRU cell (gates r, z, n; n = tanh(W_i x + b_i + r * (W_h h + b_h))). @example new mx.rnn.GRUCell(128) */
export class GRUCell extends GatedCell {
  constructor(numHidden: number, o: { prefix?: string; params?: RNNParams } = {}) { super(numHidden, o.prefix ?? 'gru_', o.params); }
  get gateNames(): string[] { return ['_r', '_z', '_o']; }
  call(x: Symbol, states: Symbol[]): [Symbol, Symbol[]] {
    const [name, i2h, h2h] = this.fcs(x, states[0], 3), prev = states[0];
    const si = op('SliceChannel', [i2h], { num_outputs: 3, name: `${name}i2h_slice` }), sh = op('SliceChannel', [h2h], { num_outputs: 3, name: `${name}h2h_slice` });
    const r = op('Activation', [op('elemwise_add', [si.get(0), sh.get(0)])], { act_type: 'sigmoid', name: `${name}r_act` });
    const z = op('Activation', [op('elemwise_add', [si.get(1), sh.get(1)])], { act_type: 'sigmoid', name: `${name}z_act` });
    const n = op('Activation', [op('elemwise_add', [si.get(2), op('elemwise_mul', [r, sh.get(2)])])], { act_type: 'tanh', name: `${name}h_act` });
    const next = op('_plus', [op('elemwise_mul', [op('_rminus_scalar', [z], { scalar: 1 }), n]), op('elemwise_mul', [z, prev])], { name: `${name}out` });
    return [next, [next]];
  }
}

/** Cells applied in order (each one's output feeds the next). @example const s = new mx.rnn.SequentialRNNCell(); s.add(a); s.add(b) */
export class SequentialRNNCell extends BaseRNNCell {
  readonly cells: BaseRNNCell[] = [];
  constructor(o: { params?: RNNParams } = {}) { super('', o.params); }
  /** Appends a cell. */
  add(cell: BaseRNNCell): this { this.cells.push(cell); return this; }
  get stateInfo(): StateInfo[] { return this.cells.flatMap((c) => c.stateInfo); }
  beginState(func?: StateFunc): Symbol[] { return this.cells.flatMap((c) => c.beginState(func)); }
  reset(): void { super.reset(); for (const c of this.cells) c.reset(); }
  call(x: Symbol, states: Symbol[]): [Symbol, Symbol[]] {
    const next: Symbol[] = [];
    let p = 0;
    for (const c of this.cells) {
      if (c instanceof BidirectionalCell) throw new ArgumentError('SequentialRNNCell: a BidirectionalCell cannot be stepped; use unroll');
      const n = c.stateInfo.length, [y, s] = c.call(x, states.slice(p, p + n));
      x = y; p += n; next.push(...s);
    }
    return [x, next];
  }
  unroll(length: number, inputs: Symbol | Symbol[], o: UnrollOptions = {}): [Symbol | Symbol[], Symbol[]] {
    this.reset();
    const begin = o.beginState ?? this.beginState(), next: Symbol[] = [];
    let p = 0, x: Symbol | Symbol[] = inputs;
    const layout = o.layout ?? 'NTC';
    this.cells.forEach((c, k) => {
      const n = c.stateInfo.length, last = k === this.cells.length - 1;
      const [y, s] = c.unroll(length, x, { beginState: begin.slice(p, p + n), layout, mergeOutputs: last ? o.mergeOutputs : undefined });
      x = y; p += n; next.push(...s);
    });
    return [x, next];
  }
}

/** Runs one cell forward and one backward in time, concatenating their outputs (unroll only). @example new mx.rnn.BidirectionalCell(l, r) */
export class BidirectionalCell extends BaseRNNCell {
  constructor(readonly lCell: BaseRNNCell, readonly rCell: BaseRNNCell, o: { outputPrefix?: string; params?: RNNParams } = {}) {
    super('', o.params);
    this.outputPrefix = o.outputPrefix ?? 'bi_';
  }
  readonly outputPrefix: string;
  get stateInfo(): StateInfo[] { return [...this.lCell.stateInfo, ...this.rCell.stateInfo]; }
  beginState(func?: StateFunc): Symbol[] { return [...this.lCell.beginState(func), ...this.rCell.beginState(func)]; }
  reset(): void { super.reset(); this.lCell.reset(); this.rCell.reset(); }
  call(): [Symbol, Symbol[]] { throw new ArgumentError('BidirectionalCell cannot be stepped; use unroll'); }
  unroll(length: number, inputs: Symbol | Symbol[], o: UnrollOptions = {}): [Symbol | Symbol[], Symbol[]] {
    this.reset();
    const layout = o.layout ?? 'NTC', { seq } = normalizeSequence(length, inputs, layout, false), xs = seq as Symbol[];
    const begin = o.beginState ?? this.beginState(), nl = this.lCell.stateInfo.length;
    const [lo, ls] = this.lCell.unroll(length, xs, { beginState: begin.slice(0, nl), layout });
    const [ro, rs] = this.rCell.unroll(length, [...xs].reverse(), { beginState: begin.slice(nl), layout });
    const rr = [...(ro as Symbol[])].reverse();
    const outs = (lo as Symbol[]).map((l, i) => op('Concat', [l, rr[i]], { dim: 1, num_args: 2, name: `${this.outputPrefix}t${i}` }));
    return [mergeOutputs(outs, layout, o.mergeOutputs), [...ls, ...rs]];
  }
}

/** Dropout on the outputs (no states). @example stack.add(new mx.rnn.DropoutCell(0.2)) */
export class DropoutCell extends BaseRNNCell {
  constructor(readonly dropout: number, o: { prefix?: string } = {}) { super(o.prefix ?? 'dropout_'); }
  get stateInfo(): StateInfo[] { return []; }
  call(x: Symbol, states: Symbol[]): [Symbol, Symbol[]] {
    this.counter++;
    return [this.dropout > 0 ? op('Dropout', [x], { p: this.dropout, name: `${this.prefix}t${this.counter}_fwd` }) : x, states];
  }
}
