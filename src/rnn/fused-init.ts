// mx.init.FusedRNN (MXNet's FusedRNN initializer): fills a fused RNN `parameters` array gate by gate through
// the unfused view (weights by the inner initializer, biases 0, LSTM forget-gate biases forget_bias).
import { ArgumentError } from '../errors.js';
import { Initializer, Uniform, create, registerInit } from '../init/index.js';
import type { NDArray } from '../ndarray/ndarray.js';
import type { RnnMode } from '../ops/seq/rnn-layout.js';
import { FusedRNNCell, setFusedInit } from './fused.js';

/** Options of FusedRNN (MXNet's keyword arguments; `init` is the inner initializer or its JSON). */
export interface FusedRNNInitOptions { init?: Initializer | string | null; num_hidden: number; num_layers: number; mode: RnnMode; bidirectional?: boolean; forget_bias?: number }

/**
 * The initializer a FusedRNNCell's `parameters` variable carries (`__init__` ["fusedrnn", {...}]).
 * Without an inner initializer the weights are Uniform(0.07) (MXNet uses the global initializer there).
 * @example new FusedRNN({ num_hidden: 256, num_layers: 2, mode: 'lstm' }).call('lstm_parameters', arr)
 */
export class FusedRNN extends Initializer {
  readonly inner: Initializer | null;
  readonly o: FusedRNNInitOptions;
  constructor(raw: FusedRNNInitOptions) {
    // From a `__init__` JSON the registry hands camelCased keys; accept both spellings.
    const r = raw as unknown as Record<string, unknown>, pick = (a: string, b: string) => r[a] ?? r[b];
    const o = { init: pick('init', 'init'), num_hidden: pick('num_hidden', 'numHidden'), num_layers: pick('num_layers', 'numLayers'), mode: pick('mode', 'mode'),
      bidirectional: pick('bidirectional', 'bidirectional'), forget_bias: pick('forget_bias', 'forgetBias') } as FusedRNNInitOptions;
    const inner = o.init ? create(o.init as string) : null;
    super('fusedrnn', { init: inner ? inner.dumps() : null, num_hidden: o.num_hidden, num_layers: o.num_layers, mode: o.mode, bidirectional: !!o.bidirectional, forget_bias: o.forget_bias ?? 1 });
    this.inner = inner; this.o = o;
  }
  initWeight(name: string, arr: NDArray): void { this.fill(name, arr); }
  protected initDefault(name: string, arr: NDArray): void { this.fill(name, arr); }
  private fill(name: string, arr: NDArray): void {
    const cell = new FusedRNNCell(this.o.num_hidden, { numLayers: this.o.num_layers, mode: this.o.mode, bidirectional: !!this.o.bidirectional, prefix: '' });
    if (arr.shape.length !== 1) throw new ArgumentError(`FusedRNN: ${name} must be a 1-D parameters array, got (${arr.shape.join(',')})`);
    const args = cell.unpackWeights({ parameters: arr }), inner = this.inner ?? new Uniform(0.07);
    for (const [k, a] of Object.entries(args)) {
      if (this.o.mode === 'lstm' && k.endsWith('_f_bias')) a.data.fill(this.o.forget_bias ?? 1);
      else inner.call(k, a);
    }
    arr.data.set(cell.packWeights(args).parameters.toTypedArray());
  }
}

registerInit('fusedrnn', (k) => new FusedRNN(k as unknown as FusedRNNInitOptions));
setFusedInit((o) => new FusedRNN(o));
