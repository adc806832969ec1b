/**
 * ONNX LSTM / GRU / RNN unrolled over the (static) sequence length onto FullyConnected, slice_axis and
 * elementwise ops: one FullyConnected projects every time step's input at once, then each step adds the
 * recurrent projection. Used for what the fused RNN op cannot express exactly (GRU with
 * linear_before_reset = 0, which applies the reset gate before the recurrent matmul, and sequence_lens shorter
 * than the sequence: a step past an entry's length keeps its state and outputs zeros, so a reverse pass starts at
 * its last valid step); ops-rnn.ts maps the rest onto the fused op. Exact ONNX semantics: gates i, o, f, c /
 * z, r, h; all directions; layout 0 and 1.
 */
import type { Symbol } from '../symbol/symbol.js';
import type { NodeCtx } from './context.js';
import type { Mapper } from './ops-nn.js';
import { DT, type Const } from './tensor.js';

const G = { LSTM: 4, GRU: 3, RNN: 1 } as const;
const DEFAULT_ACTS: Record<string, string[][]> = { LSTM: [['Sigmoid', 'Tanh', 'Tanh']], GRU: [['Sigmoid', 'Tanh']], RNN: [['Tanh'], ['Relu']] };

/** Rows [r0, r1) of direction d of a [D, rows, cols] constant, as a [r1-r0, cols] float constant. */
function rows(w: Const, d: number, r0: number, r1: number): Const {
  const R = w.dims[1], C = w.dims.length > 2 ? w.dims[2] : 1, out = new Float32Array((r1 - r0) * C);
  for (let r = r0; r < r1; r++) for (let k = 0; k < C; k++) out[(r - r0) * C + k] = w.data[(d * R + r) * C + k];
  return { dims: w.dims.length > 2 ? [r1 - r0, C] : [r1 - r0], type: DT.FLOAT, data: out };
}

/** The unrolled mapping (attributes already checked by ops-rnn.ts). */
export function unrolled(kind: 'LSTM' | 'GRU' | 'RNN'): Mapper {
  return (c) => {
    const g = G[kind], H = c.i('hidden_size', 0), dir = c.s('direction', 'forward'), layout = c.i('layout', 0);
    const x0 = c.shape(0), W = c.const(1), R = c.const(2), B = c.has(3) ? c.const(3) : undefined;
    if (!x0 || !W || !R || (c.has(3) && !B)) throw c.fail('X needs a static shape and W, R, B must be initializers');
    if (!(H > 0)) throw c.fail('hidden_size is required');
    const clip = c.hasAttr('clip') ? c.f('clip', 0) : undefined, forget = kind === 'LSTM' && !!c.i('input_forget', 0);
    if (clip !== undefined && !(clip > 0)) throw c.fail(`clip ${clip} must be positive`);
    const P = kind === 'LSTM' && c.has(7) ? c.const(7) : undefined;
    if (kind === 'LSTM' && c.has(7) && (!P || P.dims.join() !== [dir === 'bidirectional' ? 2 : 1, 3 * H].join()))
      throw c.fail(`peepholes P must be a constant [${dir === 'bidirectional' ? 2 : 1}, ${3 * H}]`);
    const acts = c.node.attribute.find((a) => a.name === 'activations')?.strings.map((s) => new TextDecoder().decode(s));
    const D = dir === 'bidirectional' ? 2 : 1;
    let relu = false;
    if (acts) {
      const per = acts.slice(0, acts.length / D);
      const ok = DEFAULT_ACTS[kind].findIndex((d) => d.length === per.length && d.every((v, i) => v.toLowerCase() === per[i].toLowerCase()) &&
        acts.every((v, i) => v.toLowerCase() === per[i % per.length].toLowerCase()));
      if (ok < 0) throw c.fail(`activations ${acts.join(',')} are not supported`);
      relu = kind === 'RNN' && ok === 1;
    }
    if (dir !== 'forward' && dir !== 'reverse' && dir !== 'bidirectional') throw c.fail(`direction ${dir}`);
    const lbr = kind === 'GRU' ? c.i('linear_before_reset', 0) : 0;
    const T = layout ? x0[1] : x0[0];
    let x = c.sym(0);
    if (layout) x = c.mx('transpose', [x], { axes: [1, 0, 2] }, 'xt');
    const init = (i: number, tag: string, d: number): Symbol | undefined => {
      if (!c.has(i)) return undefined;
      let s = c.sym(i);
      if (layout) s = c.mx('transpose', [s], { axes: [1, 0, 2] }, `${tag}t${d}`);
      return c.mx('Reshape', [c.mx('slice_axis', [s], { axis: 0, begin: d, end: d + 1 }, `${tag}s${d}`)], { shape: [-3, -2] }, `${tag}r${d}`);
    };
    // sequence_lens: per step, a (N, 1) mask of the entries still running (constant, or from the lens input)
    const lensC = c.has(4) ? c.const(4) : undefined, N = layout ? x0[0] : x0[1];
    if (lensC && (lensC.dims.length !== 1 || (lensC.dims[0] !== N && !c.dynDims(0)?.[layout ? 0 : 1])))
      throw c.fail(`sequence_lens [${lensC.dims.join(', ')}] must be (${N}), one length per batch entry`);
    if (lensC && Array.from(lensC.data).some((v) => !(v >= 1 && v <= T))) throw c.fail(`sequence_lens must be in [1, ${T}], got ${Array.from(lensC.data).join(', ')}`);
    const lensS = c.has(4) && !lensC ? c.mx('Cast', [c.sym(4)], { dtype: 'float32' }, 'lens') : undefined, masks = new Map<number, Symbol | undefined>();
    const maskAt = (t: number): Symbol | undefined => {
      if (!masks.has(t)) {
        let m: Symbol | undefined;
        if (lensS) m = c.mx('Reshape', [c.mx('_greater_scalar', [lensS], { scalar: t }, `m${t}g`)], { shape: [-1, 1] }, `m${t}`);
        else if (lensC && lensC.data.some((v) => v <= t))
          m = c.param(`${c.name}_m${t}`, { dims: [lensC.dims[0], 1], type: DT.FLOAT, data: Float32Array.from(lensC.data, (v) => +(v > t)) });
        masks.set(t, m);
      }
      return masks.get(t);
    };
    // m * new + (1 - m) * old: exactly new where m = 1, old where m = 0
    const keep = (m: Symbol, nw: Symbol, old: Symbol, tag: string) => c.mx('elemwise_add', [c.mx('broadcast_mul', [nw, m], {}, `${tag}n`),
      c.mx('broadcast_mul', [old, c.mx('_rminus_scalar', [m], { scalar: 1 }, `${tag}m`)], {}, `${tag}o`)], {}, tag);
    const ys: Symbol[] = [], hs: Symbol[] = [], cs: Symbol[] = [];
    for (let d = 0; d < D; d++) {
      const rev = dir === 'reverse' || d === 1, p = `d${d}`;
      // input projection of every step at once, with the biases that sit outside the reset gate
      const bias = new Float32Array(g * H);
      if (B) for (let k = 0; k < g * H; k++) bias[k] = B.data[d * 2 * g * H + k] + (kind === 'GRU' && lbr && k >= 2 * H ? 0 : B.data[d * 2 * g * H + g * H + k]);
      const xw = c.mx('FullyConnected', [x, c.param(`${c.name}_W${d}`, rows(W, d, 0, g * H)), c.param(`${c.name}_Wb${d}`, { dims: [g * H], type: DT.FLOAT, data: bias })],
        { num_hidden: g * H, flatten: false }, `${p}xw`);
      const rw = (r0: number, r1: number, tag: string) => c.param(`${c.name}_R${tag}${d}`, rows(R, d, r0, r1));
      const Rall = kind === 'GRU' ? rw(0, 2 * H, 'zr') : rw(0, g * H, '');
      const Rh = kind === 'GRU' ? rw(2 * H, 3 * H, 'h') : undefined;
      const Rbh = kind === 'GRU' && lbr &&
        B ? c.param(`${c.name}_Rbh${d}`, { dims: [H], type: DT.FLOAT, data: Float32Array.from(B.data.subarray(d * 2 * g * H + g * H + 2 * H, d * 2 * g * H + g * H + 3 * H)) }) : undefined;
      let h = init(5, 'h0', d), cc = kind === 'LSTM' ? init(6, 'c0', d) : undefined;
      const Pd = P && [0, 1, 2].map((k) => c.param(`${c.name}_P${k}${d}`, { ...rows(P, d, k * H, (k + 1) * H), dims: [1, H] }));
      const out: Symbol[] = new Array(T);
      for (let s = 0; s < T; s++) {
        const t = rev ? T - 1 - s : s, q = `${p}t${t}`;
        const xt = c.mx('Reshape', [c.mx('slice_axis', [xw], { axis: 0, begin: t, end: t + 1 }, `${q}x`)], { shape: [-3, -2] }, `${q}xr`);
        const sl = (v: Symbol, a: number, b: number, tag: string) => c.mx('slice_axis', [v], { axis: 1, begin: a, end: b }, `${q}${tag}`);
        // an activation of gate pre-activations, clipped to [-clip, clip] first when clip is set
        const act = (v: Symbol, t: string, tag: string) =>
          c.mx('Activation', [clip === undefined ? v : c.mx('clip', [v], { a_min: -clip, a_max: clip }, `${q}${tag}cl`)], { act_type: t }, `${q}${tag}`);
        // peephole k (i, o, f) times a cell state, added to a gate's pre-activation
        const peep = (v: Symbol, k: number, cs: Symbol | undefined, tag: string) => (!Pd || !cs ? v
          : c.mx('elemwise_add', [v, c.mx('broadcast_mul', [cs, Pd[k]], {}, `${q}${tag}pm`)], {}, `${q}${tag}pa`));
        const zero = () => c.mx('zeros_like', [sl(xt, 0, H, 'z0')], {}, `${q}zero`);
        if (!h) h = zero();
        const m = maskAt(t), hPrev = h;
        if (m && kind === 'LSTM' && !cc) cc = zero();
        const cPrev = cc;
        if (kind === 'GRU') {
          const zr = act(c.mx('elemwise_add', [sl(xt, 0, 2 * H, 'xzr'), c.mx('FullyConnected', [h, Rall], { num_hidden: 2 * H, no_bias: true }, `${q}hzr`)], {}, `${q}azr`), 'sigmoid', 'szr');
          const z = sl(zr, 0, H, 'z'), r = sl(zr, H, 2 * H, 'r');
          const hh = lbr
            ? c.mx('elemwise_mul', [r, c.mx('FullyConnected', Rbh ? [h, Rh!, Rbh] : [h, Rh!], { num_hidden: H, no_bias: !Rbh }, `${q}hh`)], {}, `${q}rhh`)
            : c.mx('FullyConnected', [c.mx('elemwise_mul', [r, h], {}, `${q}rh`), Rh!], { num_hidden: H, no_bias: true }, `${q}hh`);
          const n = act(c.mx('elemwise_add', [sl(xt, 2 * H, 3 * H, 'xh'), hh], {}, `${q}an`), 'tanh', 'n');
          h = c.mx('elemwise_add', [n, c.mx('elemwise_mul', [z, c.mx('elemwise_sub', [h, n], {}, `${q}hmn`)], {}, `${q}zd`)], {}, `${q}h`);
        } else {
          const pre = c.mx('elemwise_add', [xt, c.mx('FullyConnected', [h, Rall], { num_hidden: g * H, no_bias: true }, `${q}hr`)], {}, `${q}pre`);
          if (kind === 'RNN') h = act(pre, relu ? 'relu' : 'tanh', 'h');
          else {
            // gates i, o, f, c; peepholes on i and f see the previous cell, on o the new one; input_forget: f = 1 - i
            const i = act(peep(sl(pre, 0, H, 'ip'), 0, cc, 'i'), 'sigmoid', 'i');
            const f = forget ? c.mx('_rminus_scalar', [i], { scalar: 1 }, `${q}f`) : act(peep(sl(pre, 2 * H, 3 * H, 'fp'), 2, cc, 'f'), 'sigmoid', 'f');
            const gg = act(sl(pre, 3 * H, 4 * H, 'gp'), 'tanh', 'g');
            const ig = c.mx('elemwise_mul', [i, gg], {}, `${q}ig`);
            cc = cc ? c.mx('elemwise_add', [c.mx('elemwise_mul', [f, cc], {}, `${q}fc`), ig], {}, `${q}c`) : ig;
            const o = act(peep(sl(pre, H, 2 * H, 'op'), 1, cc, 'o'), 'sigmoid', 'o');
            h = c.mx('elemwise_mul', [o, c.mx('Activation', [cc], { act_type: 'tanh' }, `${q}tc`)], {}, `${q}h`);
          }
        }
        let yt = h;
        if (m) {
          yt = c.mx('broadcast_mul', [h, m], {}, `${q}hm`);
          h = keep(m, h, hPrev, `${q}hk`);
          if (cc && cPrev) cc = keep(m, cc, cPrev, `${q}ck`);
        }
        out[t] = c.mx('expand_dims', [yt], { axis: 0 }, `${q}y`);
      }
      const y = T === 1 ? out[0] : c.mx('Concat', out, { dim: 0, num_args: T }, `${p}Y`);
      ys.push(c.mx('expand_dims', [y], { axis: 1 }, `${p}Yd`));
      hs.push(c.mx('expand_dims', [h!], { axis: 0 }, `${p}Yh`));
      if (cc) cs.push(c.mx('expand_dims', [cc], { axis: 0 }, `${p}Yc`));
    }
    const cat = (v: Symbol[], axis: number, tag: string) => (v.length === 1 ? v[0] : c.mx('Concat', v, { dim: axis, num_args: v.length }, tag));
    let Y = cat(ys, 1, 'Y'), Yh = cat(hs, 0, 'Yh'), Yc = cs.length ? cat(cs, 0, 'Yc') : undefined;
    if (layout) {
      Y = c.mx('transpose', [Y], { axes: [2, 0, 1, 3] }, 'Ybf');
      Yh = c.mx('transpose', [Yh], { axes: [1, 0, 2] }, 'Yhbf');
      if (Yc) Yc = c.mx('transpose', [Yc], { axes: [1, 0, 2] }, 'Ycbf');
    }
    return Yc ? [Y, Yh, Yc] : [Y, Yh];
  };
}

