// gluon.rnn.RNN / LSTM / GRU (MXNet 1.9 gluon/rnn/rnn_layer.py `_RNNLayer`): per layer and direction the
// parameters `{l|r}{k}_{i2h|h2h}_{weight|bias}` (+ `h2r_weight` with an LSTM projection), flattened and joined by
// `_rnn_param_concat` in the RNN op's cuDNN order (all weights, then all biases), and the whole stack runs as one
// fused `RNN` op, imperatively (recorded by autograd) or hybridized. `input_size` 0 defers layer 0's i2h weights
// to the first forward.
import { ArgumentError, ShapeError } from '../../errors.js';
import { NDArray } from '../../ndarray/ndarray.js';
import { nd } from '../../api/nd.js';
import { sym } from '../../api/sym.js';
import { Symbol } from '../../symbol/symbol.js';
import { layerArgs } from '../args.js';
import { HybridBlock, type BlockOptions } from '../block.js';
import type { Parameter } from '../parameter.js';
import { fmtShape } from '../../util/shape.js';

type P = Record<string, any>;
type Value = NDArray | Symbol;
const GATES: Record<string, number> = { rnn_relu: 1, rnn_tanh: 1, lstm: 4, gru: 3 };

/** One begin state's description (MXNet's state_info). */
export interface RNNStateInfo { shape: number[]; __layout__: string; dtype: string }
/** What `beginState` calls per state: MXNet's `func(name=..., shape=...)` (default mx.nd.zeros). */
export type BeginStateFunc = (shape: number[], o: { name: string }) => Value;

/** A multi-output result as a list (nd ops return arrays, symbols index with get). */
export const outputsOf = (r: unknown, n: number): Value[] => (Array.isArray(r) ? r : r instanceof Symbol ? Array.from({ length: n }, (_, i) => (n === 1 ? r : r.get(i))) : [r as NDArray]);

/** Base of RNN / LSTM / GRU: the fused layer. */
export class RNNLayerBase extends HybridBlock {
  readonly hiddenSize: number; readonly numLayers: number; readonly layout: string; readonly mode: string;
  readonly dropout: number; readonly dir: number; readonly projectionSize: number | null;
  private readonly clip: [number | null, number | null, boolean];
  private traceInput?: Symbol;
  private skipStates = false;
  private tracing = false;

  constructor(mode: string, hiddenSize: number, o: P) {
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) throw new ArgumentError(`${mode}: hidden_size must be a positive integer, got ${hiddenSize}`);
    if (o.layout !== 'TNC' && o.layout !== 'NTC') throw new ArgumentError(`Invalid layout ${o.layout}; must be one of ['TNC' or 'NTC']`);
    super({ prefix: o.prefix, params: o.params } as BlockOptions);
    this.hiddenSize = hiddenSize; this.numLayers = o.numLayers; this.layout = o.layout; this.mode = mode;
    this.dropout = o.dropout; this.dir = o.bidirectional ? 2 : 1; this.projectionSize = o.projectionSize || null;
    this.clip = [o.stateClipMin ?? null, o.stateClipMax ?? null, !!o.stateClipNan];
    const ng = GATES[mode], nh = hiddenSize, np = this.projectionSize;
    let ni: number = o.inputSize;
    for (let i = 0; i < this.numLayers; i++) {
      for (const j of ['l', 'r'].slice(0, this.dir)) {
        const reg = (n: string, shape: number[], init: unknown) => this.param(`${j}${i}_${n}`, { shape, init: init as string, dtype: o.dtype, allowDeferredInit: true });
        reg('i2h_weight', [ng * nh, ni], o.i2hWeightInitializer);
        reg('h2h_weight', [ng * nh, np ?? nh], o.h2hWeightInitializer);
        reg('i2h_bias', [ng * nh], o.i2hBiasInitializer);
        reg('h2h_bias', [ng * nh], o.h2hBiasInitializer);
        if (np) reg('h2r_weight', [np, nh], o.h2rWeightInitializer);
      }
      ni = (np ?? nh) * this.dir;
    }
  }

  /** The begin states' shapes: (layers*dirs, batch, H) (LSTM: hidden then cell). @example lstm.stateInfo(32) */
  stateInfo(batchSize = 0): RNNStateInfo[] {
    const L = this.numLayers * this.dir, h = { shape: [L, batchSize, this.projectionSize ?? this.hiddenSize], __layout__: 'LNC', dtype: 'float32' };
    return this.mode === 'lstm' ? [h, { shape: [L, batchSize, this.hiddenSize], __layout__: 'LNC', dtype: 'float32' }] : [h];
  }

  /** Zero (or `func`-made) begin states named `prefix + 'h0_<k>'`. @example const [h, c] = lstm.beginState(32) */
  beginState(batchSize = 0, func: BeginStateFunc = (s) => nd.zeros(s)): Value[] {
    return this.stateInfo(batchSize).map((info, i) => func(info.shape, { name: `${this.prefix}h0_${i}` }));
  }

  /**
   * Runs the layer: `inputs` (layout TNC or NTC); `states` omitted gives zeros and returns only the output,
   * given returns `[output, states]`. @example const [out, [h, c]] = lstm.forward(x, lstm.beginState(4))
   */
  override forward(inputs: Value, states?: Value | Value[], ...flat: Value[]): any {
    if (this.tracing) return super.forward(inputs, states, ...flat); // its own trace: inputs and states flat
    this.skipStates = states === undefined || states === null;
    let st: Value[];
    if (this.skipStates) {
      st = inputs instanceof NDArray ? this.beginState(inputs.shape[this.layout.indexOf('N')]) : this.beginState(0, (s, o) => sym.zeros(s, o));
    } else st = Array.isArray(states) ? states : [states!];
    if (inputs instanceof NDArray) {
      const N = inputs.shape[this.layout.indexOf('N')];
      this.stateInfo(N).forEach((info, i) => {
        const s = st[i];
        if (!(s instanceof NDArray) || s.shape.join() !== info.shape.join())
          throw new ShapeError(`Invalid recurrent state shape. Expecting ${fmtShape(info.shape)}, got ${s instanceof NDArray ? fmtShape(s.shape) : String(s)}.`);
      });
    }
    const r = outputsOf(super.forward(inputs, ...st), st.length + 1);
    return this.skipStates ? r[0] : [r[0], r.slice(1)];
  }

  override hybridForward(F: P, inputs: Value, ...rest: unknown[]): unknown {
    const p = rest.pop() as Record<string, Value>, states = rest as Value[];
    if (inputs instanceof Symbol) this.traceInput = inputs;
    let x = inputs;
    if (this.layout === 'NTC') x = F.swapaxes(x, { dim1: 0, dim2: 1 });
    const parts: Value[] = [];
    for (const t of ['weight', 'bias']) for (let l = 0; l < this.numLayers; l++) for (const d of ['l', 'r'].slice(0, this.dir)) {
      for (const g of ['i2h', 'h2h', ...(this.projectionSize ? ['h2r'] : [])]) {
        if (g !== 'h2r' || t !== 'bias') parts.push(F.Reshape(p[`${d}${l}_${g}_${t}`], { shape: [-1] }));
      }
    }
    const params = F._rnn_param_concat(...parts, { num_args: parts.length, dim: 0 });
    const lstm = this.mode === 'lstm';
    const r = outputsOf(F.RNN(x, params, ...states, {
      state_size: this.hiddenSize, projection_size: this.projectionSize, num_layers: this.numLayers, bidirectional: this.dir === 2,
      p: this.dropout, state_outputs: true, mode: this.mode,
      lstm_state_clip_min: this.clip[0], lstm_state_clip_max: this.clip[1], lstm_state_clip_nan: this.clip[2],
    }), lstm ? 3 : 2);
    if (this.layout === 'NTC') r[0] = F.swapaxes(r[0], { dim1: 0, dim2: 1 });
    return r;
  }

  override trace(inputs: (NDArray | null | undefined)[]): ReturnType<HybridBlock['trace']> {
    this.tracing = true;
    try { return super.trace(inputs); } finally { this.tracing = false; }
  }

  /** @internal Layer 0's input size from the traced input's shape (no op infers it through the flattening). */
  inferDeferred(shapes: Record<string, number[]>): void {
    const ws = ['l', 'r'].slice(0, this.dir).map((d) => this.regParams[`${d}0_i2h_weight`] as Parameter);
    if (!this.traceInput || ws.every((w) => w.shapeKnown)) return;
    const need = new Set(this.traceInput.listArguments());
    const s = this.traceInput.inferShapePartial(Object.fromEntries(Object.entries(shapes).filter(([k]) => need.has(k)))).outShapes[0];
    if (s) for (const w of ws) w.setShape([w.shape[0], s[this.layout.indexOf('C')]]);
  }

  override toString(): string {
    const w = this.regParams.l0_i2h_weight.shape;
    return `${this.constructor.name}(${w[1] || 'None'} -> ${this.hiddenSize}, ` +
      `${this.layout}${this.numLayers > 1 ? `, num_layers=${this.numLayers}` : ''}${this.dropout ? `, dropout=${this.dropout}` : ''}${this.dir === 2 ? ', bidirectional' : ''})`;
  }
}

const COMMON = ['numLayers', 'layout', 'dropout', 'bidirectional', 'inputSize', 'i2hWeightInitializer', 'h2hWeightInitializer', 'i2hBiasInitializer', 'h2hBiasInitializer'];
const DEFAULTS = { numLayers: 1, layout: 'TNC', dropout: 0, bidirectional: false, inputSize: 0, i2hBiasInitializer: 'zeros', h2hBiasInitializer: 'zeros', dtype: 'float32' };

/**
 * Elman RNN layer (relu or tanh), as one fused RNN op.
 * @example const rnn = new mx.gluon.rnn.RNN(100, 3, { activation: 'tanh' }); rnn.initialize(); rnn.forward(mx.nd.ones([5, 3, 10]))
 */
export class RNN extends RNNLayerBase {
  static override alias = 'rnn';
  constructor(hiddenSize: number, ...args: unknown[]) {
    const names = ['numLayers', 'activation', 'layout', 'dropout', 'bidirectional', ...COMMON.slice(5), 'inputSize', 'dtype'];
    const o = layerArgs('RNN', names, { ...DEFAULTS, activation: 'relu' }, args);
    super(`rnn_${o.activation}`, hiddenSize, o);
  }
}

/**
 * LSTM layer (optionally with projection and cell clipping), as one fused RNN op.
 * @example const lstm = new mx.gluon.rnn.LSTM(100, 2, { layout: 'NTC' }); lstm.initialize(); const [out, [h, c]] = lstm.forward(x, lstm.beginState(4))
 */
export class LSTM extends RNNLayerBase {
  static override alias = 'lstm';
  constructor(hiddenSize: number, ...args: unknown[]) {
    super('lstm', hiddenSize, layerArgs('LSTM', [...COMMON, 'projectionSize', 'h2rWeightInitializer', 'stateClipMin', 'stateClipMax', 'stateClipNan', 'dtype'], { ...DEFAULTS, projectionSize: null },
      args));
  }
}

/**
 * GRU layer (gates r, z, n; MXNet's / cuDNN's variant), as one fused RNN op.
 * @example const gru = new mx.gluon.rnn.GRU(64, 1, { bidirectional: true })
 */
export class GRU extends RNNLayerBase {
  static override alias = 'gru';
  constructor(hiddenSize: number, ...args: unknown[]) { super('gru', hiddenSize, layerArgs('GRU', [...COMMON, 'dtype'], DEFAULTS, args)); }
}
