// FusedRNNCell (one RNN op over the whole sequence) and the weight conversions between its packed
// `parameters` array and the unfused cells' i2h / h2h weights (MXNet's unpack_weights / pack_weights / unfuse).
import { ArgumentError } from '../errors.js';
import { createOp } from '../symbol/create.js';
import { Symbol } from '../symbol/symbol.js';
import { NDArray } from '../ndarray/ndarray.js';
import { array } from '../ndarray/create.js';
import { rnnParamSize, type RnnMode } from '../ops/seq/rnn-layout.js';
import { BaseRNNCell, BidirectionalCell, DropoutCell, GRUCell, LSTMCell, RNNCell, SequentialRNNCell, mergeOutputs, normalizeSequence, type RNNParams, type StateInfo,
  type UnrollOptions } from './cells.js';

/** The parameters' initializer (set by fused-init.ts, which imports this file). */
let initOf: (o: { num_hidden: number; num_layers: number; mode: RnnMode; bidirectional: boolean; forget_bias: number }) => unknown = () => undefined;
/** Installs the FusedRNN initializer factory (called once by fused-init.ts). */
export function setFusedInit(f: typeof initOf): void { initOf = f; }

const GATE_NAMES: Record<RnnMode, string[]> = { rnn_relu: [''], rnn_tanh: [''], lstm: ['_i', '_f', '_c', '_o'], gru: ['_r', '_z', '_o'] };

/** Options of FusedRNNCell (MXNet's keyword arguments). */
export interface FusedOptions { numLayers?: number; mode?: RnnMode; bidirectional?: boolean; dropout?: number; getNextState?: boolean; forgetBias?: number; prefix?: string; params?: RNNParams }

/**
 * The fused RNN op as a cell: `unroll` builds one `RNN` node over (T, N, C) (NTC inputs are swapped).
 * @example const cell = new mx.rnn.FusedRNNCell(256, { numLayers: 2, mode: 'lstm', prefix: 'lstm_' })
 */
export class FusedRNNCell extends BaseRNNCell {
  readonly numLayers: number; readonly mode: RnnMode; readonly bidirectional: boolean; readonly dropout: number; readonly getNextState: boolean;
  readonly parameter: Symbol;
  constructor(readonly numHidden: number, o: FusedOptions = {}) {
    const mode = o.mode ?? 'lstm';
    super(o.prefix ?? `${mode}_`, o.params);
    this.numLayers = o.numLayers ?? 1; this.mode = mode; this.bidirectional = !!o.bidirectional;
    this.dropout = o.dropout ?? 0; this.getNextState = !!o.getNextState;
    this.parameter = this.params.get('parameters', initOf({ num_hidden: numHidden, num_layers: this.numLayers, mode, bidirectional: this.bidirectional, forget_bias: o.forgetBias ?? 1 }));
  }
  get gateNames(): string[] { return GATE_NAMES[this.mode]; }
  get stateInfo(): StateInfo[] {
    const s = { shape: [(this.bidirectional ? 2 : 1) * this.numLayers, 0, this.numHidden], __layout__: 'LNC' };
    return this.mode === 'lstm' ? [s, { ...s }] : [s];
  }
  call(): [Symbol, Symbol[]] { throw new ArgumentError('FusedRNNCell cannot be stepped; use unroll'); }
  unroll(length: number, inputs: Symbol | Symbol[], o: UnrollOptions = {}): [Symbol | Symbol[], Symbol[]] {
    this.reset();
    const layout = o.layout ?? 'NTC';
    let { seq: x, axis } = normalizeSequence(length, inputs, layout, true);
    if (Array.isArray(x)) x = createOp('Concat', x.map((s) => createOp('expand_dims', [s], { axis }, 'expand_dims')), { dim: axis, num_args: x.length }, 'Concat');
    if (axis === 1) x = createOp('SwapAxis', [x as Symbol], { dim1: 0, dim2: 1 }, 'SwapAxis');
    const st = o.beginState ?? this.beginState();
    const rnn = createOp('RNN', [x as Symbol, this.parameter, ...st], {
      state_size: this.numHidden, num_layers: this.numLayers, bidirectional: this.bidirectional, p: this.dropout,
      state_outputs: this.getNextState, mode: this.mode, name: `${this.prefix}rnn`,
    }, 'RNN');
    let out = this.getNextState ? rnn.get(0) : rnn;
    const states = this.getNextState ? [...Array(this.mode === 'lstm' ? 2 : 1).keys()].map((k) => rnn.get(k + 1)) : [];
    if (axis === 1) out = createOp('SwapAxis', [out], { dim1: 0, dim2: 1 }, 'SwapAxis');
    if (o.mergeOutputs) return [out, states];
    const parts = createOp('SliceChannel', [out], { axis, num_outputs: length, squeeze_axis: 1 }, 'SliceChannel');
    return [mergeOutputs(length === 1 ? [parts] : [...Array(length).keys()].map((i) => parts.get(i)), layout, false), states];
  }

  /**
   * Splits `{prefix}parameters` into per-layer, per-direction, per-gate arrays named as MXNet
   * (`{prefix}l0_i2h_i_weight`, ..., `{prefix}r1_h2h_o_bias`).
   * @example const w = cell.unpackWeights({ lstm_parameters: arr })
   */
  unpackWeights(args: Record<string, NDArray>): Record<string, NDArray> {
    const out = { ...args }, name = this.parameter.name!, arr = out[name];
    if (!arr) throw new ArgumentError(`unpackWeights: no '${name}' in the arguments`);
    delete out[name];
    const G = this.gateNames.length, H = this.numHidden, D = this.bidirectional ? 2 : 1, L = this.numLayers;
    const I = arr.size / D / H / G - (L - 1) * (H + D * H + 2) - H - 2;
    if (!Number.isInteger(I) || rnnParamSize(this.mode, L, I, H, D, 0) !== arr.size)
      throw new ArgumentError(`unpackWeights: '${name}' has ${arr.size} values, not a ${this.mode} parameter array of ${L} layers, hidden ${H}`);
    const v = arr.toTypedArray() as Float32Array;
    let p = 0;
    const take = (key: string, shape: number[]) => { const n = shape.reduce((a, b) => a * b, 1); out[key] = array(v.slice(p, p + n)).reshape(shape); p += n; };
    const dirs = D === 2 ? ['l', 'r'] : ['l'];
    for (let l = 0; l < L; l++) for (const d of dirs) {
      for (const g of this.gateNames) take(`${this.prefix}${d}${l}_i2h${g}_weight`, [H, l ? D * H : I]);
      for (const g of this.gateNames) take(`${this.prefix}${d}${l}_h2h${g}_weight`, [H, H]);
    }
    for (let l = 0; l < L; l++) for (const d of dirs) for (const k of ['i2h', 'h2h']) for (const g of this.gateNames) take(`${this.prefix}${d}${l}_${k}${g}_bias`, [H]);
    return out;
  }

  /** The inverse of unpackWeights. @example cell.packWeights(cell.unpackWeights(args)) */
  packWeights(args: Record<string, NDArray>): Record<string, NDArray> {
    const out = { ...args }, chunks: Float32Array[] = [], D = this.bidirectional ? 2 : 1, dirs = D === 2 ? ['l', 'r'] : ['l'];
    const put = (key: string) => {
      const a = out[key];
      if (!a) throw new ArgumentError(`packWeights: missing '${key}'`);
      chunks.push(a.toTypedArray() as Float32Array); delete out[key];
    };
    for (let l = 0; l < this.numLayers; l++) for (const d of dirs) for (const k of ['i2h', 'h2h']) for (const g of this.gateNames) put(`${this.prefix}${d}${l}_${k}${g}_weight`);
    for (let l = 0; l < this.numLayers; l++) for (const d of dirs) for (const k of ['i2h', 'h2h']) for (const g of this.gateNames) put(`${this.prefix}${d}${l}_${k}${g}_bias`);
    const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    let p = 0;
    for (const c of chunks) { all.set(c, p); p += c.length; }
    out[this.parameter.name!] = array(all);
    return out;
  }

  /** The same network as unfused cells (SequentialRNNCell of per-layer cells, prefixes `{prefix}l0_` / `{prefix}r0_`). @example cell.unfuse().unroll(...) */
  unfuse(): SequentialRNNCell {
    const stack = new SequentialRNNCell(), H = this.numHidden;
    const make = (prefix: string): BaseRNNCell => (this.mode === 'lstm' ? new LSTMCell(H, { prefix }) : this.mode === 'gru' ? new GRUCell(H, { prefix })
      : new RNNCell(H, { prefix, activation: this.mode === 'rnn_relu' ? 'relu' : 'tanh' }));
    for (let i = 0; i < this.numLayers; i++) {
      stack.add(this.bidirectional ? new BidirectionalCell(make(`${this.prefix}l${i}_`), make(`${this.prefix}r${i}_`), { outputPrefix: `${this.prefix}bi_l${i}_` }) : make(`${this.prefix}l${i}_`));
      if (this.dropout > 0 && i !== this.numLayers - 1) stack.add(new DropoutCell(this.dropout, { prefix: `${this.prefix}_dropout${i}_` }));
    }
    return stack;
  }
}

/**
 * Splits each unfused cell's i2h / h2h weight and bias (gates stacked along rows) into per-gate arrays, or joins
 * them back (MXNet's BaseRNNCell.unpack_weights / pack_weights). `gates` e.g. ['_i', '_f', '_c', '_o'].
 * @example packGates(unpackGates(args, 'lstm_l0_', lstmGates, 256), 'lstm_l0_', lstmGates)
 */
export function unpackGates(args: Record<string, NDArray>, prefix: string, gates: string[], H: number): Record<string, NDArray> {
  const out = { ...args };
  for (const grp of ['i2h', 'h2h']) for (const kind of ['weight', 'bias']) {
    const key = `${prefix}${grp}_${kind}`, a = out[key];
    if (!a) continue;
    delete out[key];
    const v = a.toTypedArray() as Float32Array, row = a.size / a.shape[0];
    gates.forEach((g, j) => { out[`${prefix}${grp}${g}_${kind}`] = array(v.slice(j * H * row, (j + 1) * H * row)).reshape(kind === 'weight' ? [H, row] : [H]); });
  }
  return out;
}

/** Joins per-gate arrays back into i2h / h2h weights and biases (see unpackGates). */
export function packGates(args: Record<string, NDArray>, prefix: string, gates: string[]): Record<string, NDArray> {
  const out = { ...args };
  for (const grp of ['i2h', 'h2h']) for (const kind of ['weight', 'bias']) {
    const parts = gates.map((g) => `${prefix}${grp}${g}_${kind}`);
    if (!parts.every((k) => out[k])) continue;
    const arrs = parts.map((k) => out[k]), all = new Float32Array(arrs.reduce((n, a) => n + a.size, 0));
    let p = 0;
    for (const a of arrs) { all.set(a.toTypedArray() as Float32Array, p); p += a.size; }
    for (const k of parts) delete out[k];
    out[`${prefix}${grp}_${kind}`] = array(all).reshape(kind === 'weight' ? [arrs.length * arrs[0].shape[0], arrs[0].shape[1]] : [all.length]);
  }
  return out;
}

