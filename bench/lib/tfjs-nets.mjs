// A network in tfjs ops (NHWC, as tfjs-backend-wasm runs convolutions), translated node by node from the mxwasm
// Symbol's JSON with the same weights: what tfjs-converter gives for a frozen graph. Convolution -> BatchNorm ->
// relu / clip(0, 6) becomes one tf.fused.conv2d / tf.fused.depthwiseConv2d with the BatchNorm folded into its
// filter and bias (as TensorFlow's graph optimizer folds it); FullyConnected -> relu one tf.fused.matMul; other
// BatchNorms tf.batchNorm. Grouped convolution (1 < num_group < C) has no tfjs op: the translation throws.
import { getOp } from '../../src/ops/registry.js';
import { parseAttrs } from '../../src/ops/attrs.js';
import { poolGeom } from '../../src/ops/conv/pooling.js';

/** Consumers of each node id (node ids that take one of its outputs), heads counted as a consumer. */
function consumers(nodes, heads) {
  const u = nodes.map(() => []);
  nodes.forEach((n, i) => { for (const [src] of n.inputs) u[src].push(i); });
  for (const [h] of heads) u[h].push(-1);
  return u;
}

/** The only consumer of node i when it is an `op` node whose first input is i (else undefined). */
const single = (nodes, users, i, ops) => {
  if (users[i].length !== 1 || users[i][0] < 0) return undefined;
  const j = users[i][0];
  return ops.includes(nodes[j].op) && nodes[j].inputs[0][0] === i ? j : undefined;
};

/** The activation name of a relu / relu6 node for tfjs's fused ops, else undefined. */
function fusedAct(n, a) {
  if (n.op === 'Activation' && a.act_type === 'relu') return 'relu';
  if (n.op === 'clip' && a.a_min === 0 && a.a_max === 6) return 'relu6';
  return undefined;
}

/**
 * Builds `{ run(xNHWC) -> logits tensor, dispose() }` for the network `sym` with weights `values` (by name, MXNet layouts). The
 * caller runs it inside tf.tidy. Throws for an op it cannot express.
 * @example const net = tfjsNet(tf, sym, values); const y = tf.tidy(() => net.run(tf.tensor4d(x, [1, 224, 224, 3])));
 */
export function tfjsNet(tf, sym, values) {
  const j = JSON.parse(sym.toJSON()), nodes = j.nodes, users = consumers(nodes, j.heads);
  const attrs = nodes.map((n) => (n.op === 'null' ? undefined : parseAttrs(n.op, getOp(n.op).attrs, n.attrs ?? {}, n.name, false)));
  const val = (i) => values[nodes[i].name];
  const ops = []; // [node id, fn(env) -> tensor]
  const held = []; // weight tensors, for dispose()
  const keep = (t) => { held.push(t); return t; };
  const skip = new Set();
  let dataId = -1;
  nodes.forEach((n, i) => {
    if (skip.has(i)) return;
    const a = attrs[i], ins = n.inputs.map(([s]) => s);
    if (n.op === 'null') { if (n.name === 'data') dataId = i; return; }
    const x = (e) => e[ins[0]];
    switch (n.op) {
      case 'Convolution': {
        const w = val(ins[1]), [F, Cg, kh, kw] = [a.num_filter, w.length / (a.num_filter * a.kernel[0] * a.kernel[1]), a.kernel[0], a.kernel[1]];
        const G = a.num_group, C = Cg * G, bias = new Float32Array(F), scale = new Float32Array(F).fill(1);
        if (!a.no_bias) bias.set(val(ins[2]));
        let out = i, act;
        const bn = single(nodes, users, i, ['BatchNorm']);
        if (bn !== undefined) {
          const b = attrs[bn], [g, beta, mean, vr] = nodes[bn].inputs.slice(1).map(([s]) => val(s));
          for (let f = 0; f < F; f++) {
            scale[f] = (b.fix_gamma ? 1 : g[f]) / Math.sqrt(vr[f] + b.eps);
            bias[f] = (bias[f] - mean[f]) * scale[f] + beta[f];
          }
          skip.add(bn); out = bn;
        }
        const an = single(nodes, users, out, ['Activation', 'clip']);
        if (an !== undefined && (act = fusedAct(nodes[an], attrs[an]))) { skip.add(an); out = an; }
        const [sh, sw] = a.stride.length ? a.stride : [1, 1], [ph, pw] = a.pad.length ? a.pad : [0, 0], dil = a.dilate.length ? a.dilate : [1, 1];
        const pad = ph === 0 && pw === 0 ? 'valid' : [[0, 0], [ph, ph], [pw, pw], [0, 0]];
        const depthwise = G > 1 && G === C && F === C;
        if (G > 1 && !depthwise) throw new Error(`${n.name}: grouped convolution (${G} groups of ${Cg}) has no tfjs op`);
        // MXNet OIHW -> tfjs HWIO (conv2d) or HW C 1 (depthwise), scaled by the folded BatchNorm.
        const fw = new Float32Array(w.length);
        for (let f = 0; f < F; f++) for (let c = 0; c < Cg; c++) for (let y = 0; y < kh; y++) for (let z = 0; z < kw; z++) {
          const v = w[((f * Cg + c) * kh + y) * kw + z] * scale[f];
          fw[depthwise ? (y * kw + z) * C + f : ((y * kw + z) * Cg + c) * F + f] = v;
        }
        const filter = keep(tf.tensor4d(fw, depthwise ? [kh, kw, C, 1] : [kh, kw, Cg, F])), bt = keep(tf.tensor1d(bias));
        const o = { filter, strides: [sh, sw], pad, dilations: dil, bias: bt, activation: act ?? 'linear' };
        ops.push([out, depthwise ? (e) => tf.fused.depthwiseConv2d({ x: x(e), ...o }) : (e) => tf.fused.conv2d({ x: x(e), ...o })]);
        return;
      }
      case 'BatchNorm': {
        const [g, beta, mean, vr] = ins.slice(1).map((s) => keep(tf.tensor1d(val(s))));
        const scale = a.fix_gamma ? undefined : g;
        ops.push([i, (e) => tf.batchNorm(x(e), mean, vr, beta, scale, a.eps)]);
        return;
      }
      case 'Activation': {
        const f = { relu: tf.relu, sigmoid: tf.sigmoid, tanh: tf.tanh }[a.act_type];
        if (!f) throw new Error(`${n.name}: Activation ${a.act_type} not translated`);
        ops.push([i, (e) => f(x(e))]);
        return;
      }
      case 'clip': ops.push([i, fusedAct(n, a) ? (e) => tf.relu6(x(e)) : (e) => tf.clipByValue(x(e), a.a_min, a.a_max)]); return;
      case 'elemwise_add': case '_Plus': case 'broadcast_add': ops.push([i, (e) => tf.add(e[ins[0]], e[ins[1]])]); return;
      case 'Dropout': ops.push([i, x]); return;
      case 'Concat': {
        if (a.dim !== 1) throw new Error(`${n.name}: Concat on dim ${a.dim} not translated`);
        ops.push([i, (e) => tf.concat(ins.map((s) => e[s]), 3)]);
        return;
      }
      case 'Pooling': ops.push([i, (e) => pooling(tf, a, n.name, x(e))]); return;
      case 'Flatten': ops.push([i, (e) => flattenNCHW(tf, x(e))]); return;
      case 'FullyConnected': {
        const w = val(ins[1]), H = a.num_hidden, K = w.length / H, wt = new Float32Array(w.length);
        for (let o = 0; o < H; o++) for (let k = 0; k < K; k++) wt[k * H + o] = w[o * K + k];
        const b = a.no_bias ? undefined : keep(tf.tensor1d(val(ins[2]))), bt = keep(tf.tensor2d(wt, [K, H]));
        let out = i, act;
        const an = single(nodes, users, i, ['Activation', 'clip']);
        if (an !== undefined && (act = fusedAct(nodes[an], attrs[an]))) { skip.add(an); out = an; }
        ops.push([out, (e) => tf.fused.matMul({ a: flattenNCHW(tf, x(e)), b: bt, bias: b, activation: act ?? 'linear' })]);
        return;
      }
      default: throw new Error(`${n.name}: op ${n.op} not translated to tfjs`);
    }
  });
  const head = j.heads[0][0];
  return {
    /** The logits for an NHWC input tensor (inside the caller's tf.tidy). */
    run(xt) {
      const e = { [dataId]: xt };
      for (const [id, f] of ops) e[id] = f(e);
      return e[head];
    },
    /** Frees the weight tensors. */
    dispose() { for (const t of held) t.dispose(); },
  };
}

/** MXNet's Flatten of an NHWC tensor: (N, C*H*W) in NCHW order (a transpose only when H*W > 1). */
function flattenNCHW(tf, t) {
  if (t.rank !== 4) return t;
  const [N, H, W, C] = t.shape;
  return H * W === 1 ? tf.reshape(t, [N, C]) : tf.reshape(tf.transpose(t, [0, 3, 1, 2]), [N, C * H * W]);
}

/** Pooling with MXNet's conventions (valid / full, count_include_pad) on an NHWC tensor. */
function pooling(tf, a, name, t) {
  const [N, H, W, C] = t.shape, g = poolGeom(a, [N, C, H, W], name);
  const max = g.type === 0;
  if (g.global) return max ? tf.max(t, [1, 2], true) : tf.mean(t, [1, 2], true);
  if (g.type > 1) throw new Error(`${name}: pool_type ${a.pool_type} not translated`);
  // Padding below / right that the convention needs (more than pad for 'full' when the windows overhang).
  const pb = (g.Ho - 1) * g.sh + g.kh - H - g.ph, pr = (g.Wo - 1) * g.sw + g.kw - W - g.pw;
  const k = [g.kh, g.kw], s = [g.sh, g.sw], none = g.ph === 0 && g.pw === 0 && pb <= 0 && pr <= 0;
  if (none) return max ? tf.maxPool(t, k, s, 'valid') : tf.avgPool(t, k, s, 'valid');
  const pads = [[0, 0], [g.ph, Math.max(pb, 0)], [g.pw, Math.max(pr, 0)], [0, 0]];
  // Max ignores padding (tfjs's explicit padding); MXNet's average counts padded zeros (count_include_pad).
  if (max) return tf.maxPool(t, k, s, pads);
  if (!g.countPad) return tf.avgPool(t, k, s, pads);
  return tf.avgPool(tf.pad(t, pads, 0), k, s, 'valid');
}
