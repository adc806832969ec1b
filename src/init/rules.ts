// The initializers themselves (MXNet 1.9 names and defaults).
import { ArgumentError, ShapeError } from '../errors.js';
import type { NDArray } from '../ndarray/ndarray.js';
import { nextUniform } from '../ndarray/create.js';
import { normalFrom } from '../util/random.js';
import { normOpts, type Opts } from '../util/options.js';
import { Initializer, fill, fillNormal, fillUniform, registerInit, type InitDesc } from './initializer.js';

const num = (v: unknown, d: number) => (v === undefined ? d : Number(v));
const opt = (o: unknown) => normOpts<Record<string, unknown>>(typeof o === 'object' ? o : {});

/** U(-scale, scale), default scale 0.07. @example new mx.init.Uniform(0.1) */
export class Uniform extends Initializer {
  readonly scale: number;
  constructor(o: number | { scale?: number } = {}) { const s = typeof o === 'number' ? o : num(opt(o).scale, 0.07); super('uniform', { scale: s }); this.scale = s; }
  initWeight(_n: string, arr: NDArray): void { fillUniform(arr, -this.scale, this.scale); }
}
/** N(0, sigma²), default sigma 0.01. @example new mx.init.Normal(0.1) */
export class Normal extends Initializer {
  readonly sigma: number;
  constructor(o: number | { sigma?: number } = {}) { const s = typeof o === 'number' ? o : num(opt(o).sigma, 0.01); super('normal', { sigma: s }); this.sigma = s; }
  initWeight(_n: string, arr: NDArray): void { fillNormal(arr, this.sigma); }
}
/** Fills with a value (weights and every other name). @example new mx.init.Constant(0.5) */
export class Constant extends Initializer {
  readonly value: number;
  constructor(o: number | { value?: number } = 0) { const v = typeof o === 'number' ? o : num(opt(o).value, 0); super('constant', { value: v }); this.value = v; }
  initWeight(_n: string, arr: NDArray): void { fill(arr, this.value); }
}
/** Zeros. @example new mx.init.Zero() */
export class Zero extends Initializer { constructor() { super('zero'); } initWeight(_n: string, arr: NDArray): void { fill(arr, 0); } }
/** Ones. @example new mx.init.One() */
export class One extends Initializer { constructor() { super('one'); } initWeight(_n: string, arr: NDArray): void { fill(arr, 1); } }

interface XavierOpts { rndType?: 'uniform' | 'gaussian'; factorType?: 'avg' | 'in' | 'out'; magnitude?: number }
/**
 * Xavier/Glorot: scale = sqrt(magnitude / factor), factor from fan_in/fan_out (x prod(shape[2:])).
 * @example new mx.init.Xavier({ rnd_type: 'gaussian', factor_type: 'in', magnitude: 2 })
 */
export class Xavier extends Initializer {
  readonly rndType: string; readonly factorType: string; readonly magnitude: number;
  constructor(o: Opts<XavierOpts> = {}, kind = 'xavier') {
    const p = normOpts<XavierOpts>(o);
    const rt = p.rndType ?? 'uniform', ft = p.factorType ?? 'avg', mag = num(p.magnitude, 3);
    super(kind, { rnd_type: rt, factor_type: ft, magnitude: mag });
    this.rndType = rt; this.factorType = ft; this.magnitude = mag;
  }
  initWeight(name: string, arr: NDArray): void {
    const s = arr.shape;
    if (s.length < 2) throw new ShapeError(`Xavier initializer cannot be applied to vector ${name}. It requires at least 2D.`);
    const hw = s.slice(2).reduce((a, b) => a * b, 1);
    const fanIn = s[1] * hw, fanOut = s[0] * hw;
    const factor = this.factorType === 'avg' ? (fanIn + fanOut) / 2 : this.factorType === 'in' ? fanIn : this.factorType === 'out' ? fanOut : NaN;
    if (Number.isNaN(factor)) throw new ArgumentError('Incorrect factor type');
    const scale = Math.sqrt(this.magnitude / factor);
    if (this.rndType === 'uniform') fillUniform(arr, -scale, scale);
    else if (this.rndType === 'gaussian') fillNormal(arr, scale);
    else throw new ArgumentError('Unknown random type');
  }
}
/** He/MSRA for PReLU: Xavier('gaussian', factorType, 2/(1+slope²)). @example new mx.init.MSRAPrelu({ factor_type: 'in' }) */
export class MSRAPrelu extends Xavier {
  constructor(o: Opts<{ factorType: 'avg' | 'in' | 'out'; slope: number }> = {}) {
    const p = normOpts<{ factorType?: 'avg' | 'in' | 'out'; slope?: number }>(o);
    const slope = num(p.slope, 0.25);
    super({ rndType: 'gaussian', factorType: p.factorType ?? 'avg', magnitude: 2 / (1 + slope * slope) }, 'msraprelu');
    this.kwargs = { factor_type: p.factorType ?? 'avg', slope };
  }
}

/**
 * Orthogonal rows/columns (scale * an orthonormal basis of a random (out, prod(rest)) matrix; Gram-Schmidt).
 * @example new mx.init.Orthogonal({ scale: 1.414, rand_type: 'normal' })
 */
export class Orthogonal extends Initializer {
  readonly scale: number; readonly randType: string;
  constructor(o: Opts<{ scale: number; randType: 'uniform' | 'normal' }> = {}) {
    const p = normOpts<{ scale?: number; randType?: string }>(o);
    const scale = num(p.scale, 1.414), rt = p.randType ?? 'uniform';
    super('orthogonal', { scale, rand_type: rt });
    this.scale = scale; this.randType = rt;
  }
  initWeight(_n: string, arr: NDArray): void {
    const nout = arr.shape[0], nin = arr.size / Math.max(nout, 1);
    const nrm = normalFrom(nextUniform);
    const tmp = Float64Array.from({ length: arr.size }, () => (this.randType === 'uniform' ? 2 * nextUniform() - 1 : nrm()));
    // Orthonormalise the shorter side: rows when nout <= nin, else columns.
    const rows = nout <= nin, k = rows ? nout : nin, len = rows ? nin : nout;
    const at = (v: number, j: number) => (rows ? v * nin + j : j * nin + v);
    for (let v = 0; v < k; v++) {
      for (let u = 0; u < v; u++) {
        let d = 0; for (let j = 0; j < len; j++) d += tmp[at(v, j)] * tmp[at(u, j)];
        for (let j = 0; j < len; j++) tmp[at(v, j)] -= d * tmp[at(u, j)];
      }
      let n2 = 0; for (let j = 0; j < len; j++) n2 += tmp[at(v, j)] ** 2;
      const inv = 1 / Math.sqrt(n2 || 1);
      for (let j = 0; j < len; j++) tmp[at(v, j)] *= inv;
    }
    arr.data.set(Float32Array.from(tmp, (x) => this.scale * x));
  }
}

/**
 * First initializer whose regex matches the name. @example new mx.init.Mixed(['bias', '.*'], [new mx.init.Zero(), new mx.init.Uniform(0.1)])
 */
export class Mixed extends Initializer {
  private readonly map: [RegExp, Initializer][];
  constructor(patterns: string[], initializers: Initializer[]) {
    super('mixed');
    if (patterns.length !== initializers.length) throw new ArgumentError('Mixed: patterns and initializers must have the same length');
    this.map = patterns.map((p, i) => [new RegExp(p), initializers[i]]);
  }
  call(desc: string | InitDesc, arr: NDArray): void {
    const name = typeof desc === 'string' ? desc : desc.name;
    for (const [re, init] of this.map) if (re.test(name)) { init.call(desc, arr); return; }
    throw new ArgumentError(`Parameter name ${name} did not match any pattern. Consider adding a ".*" pattern at the and with default Initializer.`);
  }
  initWeight(name: string, arr: NDArray): void { this.call(name, arr); }
}

/**
 * Copies values from a dict of arrays ('arg:'/'aux:' prefixes stripped), else `defaultInit`.
 * @example new mx.init.Load(mx.nd.load('model-0001.params'), new mx.init.Xavier())
 */
export class Load extends Initializer {
  private readonly param: Record<string, NDArray> = {};
  constructor(param: Record<string, NDArray>, readonly defaultInit?: Initializer, readonly verbose = false) {
    super('load');
    for (const [k, v] of Object.entries(param)) this.param[k.startsWith('arg:') || k.startsWith('aux:') ? k.slice(4) : k] = v;
  }
  call(desc: string | InitDesc, arr: NDArray): void {
    const name = typeof desc === 'string' ? desc : desc.name;
    const src = this.param[name];
    if (src) {
      if (src.shape.join(',') !== arr.shape.join(','))
        throw new ShapeError(`Parameter ${name} cannot be initialized from loading. Shape mismatch, target (${arr.shape.join(',')}) vs loaded (${src.shape.join(',')})`);
      arr.data.set(src.data);
    } else if (this.defaultInit) this.defaultInit.call(desc, arr);
    else throw new ArgumentError(`Cannot Initialize ${name}. Not found in loaded param and no default Initializer is provided.`);
  }
  initWeight(name: string, arr: NDArray): void { this.call(name, arr); }
}

/**
 * Bilinear interpolation kernel for upsampling weights (an UpSampling bilinear or Deconvolution weight (C, 1, k, k)):
 * w = (1 - |x/f - c|) (1 - |y/f - c|), f = ceil(k/2), c = (2f - 1 - f mod 2) / 2f, as MXNet's Bilinear.
 * @example new mx.init.Bilinear().call('up_weight', w) // w: [C, 1, 4, 4] for scale 2
 */
export class Bilinear extends Initializer {
  constructor() { super('bilinear'); }
  initWeight(name: string, arr: NDArray): void {
    const s = arr.shape;
    if (s.length < 2) throw new ShapeError(`Bilinear: ${name} must be at least 2-d (…, kh, kw), got (${s.join(',')})`);
    const kw = s[s.length - 1], kh = s[s.length - 2], f = Math.ceil(kw / 2), c = (2 * f - 1 - (f % 2)) / (2 * f);
    const out = new Float32Array(arr.size);
    for (let i = 0; i < out.length; i++) {
      const x = i % kw, y = Math.floor(i / kw) % kh;
      out[i] = (1 - Math.abs(x / f - c)) * (1 - Math.abs(y / f - c));
    }
    arr.data.set(out);
  }
}

/**
 * An LSTM cell's biases: 0, but the forget gate's (the second of the 4 gates, rows H..2H) set to `forget_bias`,
 * as MXNet's LSTMBias (what an LSTMCell's `i2h_bias` carries in its `__init__`).
 * @example new mx.init.LSTMBias({ forget_bias: 1 }).call('lstm_i2h_bias', b)
 */
export class LSTMBias extends Initializer {
  readonly forgetBias: number;
  constructor(o: number | { forgetBias?: number; forget_bias?: number } = {}) {
    const f = typeof o === 'number' ? o : num(opt(o).forgetBias, 1);
    super('lstmbias', { forget_bias: f });
    this.forgetBias = f;
  }
  initWeight(name: string, arr: NDArray): void {
    if (arr.shape[0] % 4) throw new ShapeError(`LSTMBias: ${name} must have 4 gates' rows (a multiple of 4), got (${arr.shape.join(',')})`);
    const out = new Float32Array(arr.size), h = arr.shape[0] / 4, row = arr.size / arr.shape[0];
    out.fill(this.forgetBias, h * row, 2 * h * row);
    arr.data.set(out);
  }
}

registerInit('bilinear', () => new Bilinear());
registerInit('lstmbias', (k) => new LSTMBias(k));
registerInit('uniform', (k) => new Uniform(k));
registerInit('normal', (k) => new Normal(k));
registerInit('constant', (k) => new Constant(k));
registerInit('zero', () => new Zero()); registerInit('zeros', () => new Zero());
registerInit('one', () => new One()); registerInit('ones', () => new One());
registerInit('xavier', (k) => new Xavier(k));
registerInit('msraprelu', (k) => new MSRAPrelu(k));
registerInit('orthogonal', (k) => new Orthogonal(k));
