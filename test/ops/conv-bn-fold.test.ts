// Inference BatchNorm folded onto Convolution (src/passes/fold-bn.ts, kernel f32_bn_act in assembly/kernels/f32-conv.ts):
// the kernel vs its scalar reference at odd sizes; folded binds give the unfused bind's bits (conv -> BN -> relu / clip /
// nothing, bias or not, depthwise, fix_gamma, batch 1 and 3); what must not fold; parameters set after bind are used;
// 2 threads give the 1-thread bits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, SIZES } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { f32 } from '../../src/runtime/view.js';
import { refBnAct } from '../../src/reference/conv.js';
import { Graph } from '../../src/graph/graph.js';
import { applyPasses } from '../../src/passes/pass.js';
import { foldBatchNormPass } from '../../src/passes/fold-bn.js';
import { kernelCall } from '../../src/runtime/manifest/args.js';

const sym = mx.sym;

test('f32_bn_act vs reference: odd sizes, fix_gamma, clamps', () => {
  const r = rt();
  for (const inner of SIZES.filter((n) => n < 5000)) {
    for (const [C, fix, lo, hi] of [[3, 0, 0, Infinity], [5, 1, 0, 6], [2, 0, -Infinity, Infinity]] as const) {
      const n = C * inner, y = randArray(n, inner + C, -4, 8), g = randArray(C, 2), b = randArray(C, 3), m = randArray(C, 4), v = randArray(C, 5, 0.1, 2);
      const off = r.alloc.alloc(Math.max(4, n * 4) + 4 * C * 4);
      try {
        f32(off, n).set(y);
        const p = off + Math.max(4, n * 4);
        [g, b, m, v].forEach((a, k) => f32(p + k * C * 4, C).set(a));
        kernelCall(r.K, 'f32_bn_act__simd128', { y: off, g: p, b: p + C * 4, mean: p + 2 * C * 4, vr: p + 3 * C * 4, C, inner, eps: 1e-5, fixGamma: fix, lo, hi });
        assertClose(f32(off, n), refBnAct(y, g, b, m, v, C, inner, 1e-5, !!fix, lo, hi), 1e-5, 1e-6, `C ${C} inner ${inner}`);
      } finally { r.alloc.free(off); }
    }
  }
});

type Build = (x: mx.Symbol) => mx.Symbol;
const conv = (x: mx.Symbol, o: Record<string, unknown> = {}) => sym.Convolution({ data: x, kernel: [3, 3], pad: [1, 1], num_filter: 6, name: 'c', ...o });
const bn = (x: mx.Symbol, o: Record<string, unknown> = {}) => sym.BatchNorm({ data: x, fix_gamma: false, eps: 1e-5, name: 'bn', ...o });
const NETS: [string, Build, number][] = [
  ['conv -> BN -> relu', (x) => sym.Activation({ data: bn(conv(x)), act_type: 'relu' }), 1],
  ['conv(bias) -> BN -> clip(0, 6)', (x) => sym.clip({ data: bn(conv(x, { no_bias: false })), a_min: 0, a_max: 6 }), 1],
  ['conv -> BN (fix_gamma, default eps)', (x) => bn(conv(x, { no_bias: true }), { fix_gamma: true, eps: 1e-3 }), 1],
  ['depthwise -> BN -> relu', (x) => sym.relu({ data: bn(conv(x, { num_filter: 4, num_group: 4 })) }), 1],
  ['1x1 -> BN -> sigmoid (BN folded, sigmoid not)', (x) => sym.Activation({ data: bn(conv(x, { kernel: [1, 1], pad: [0, 0] })), act_type: 'sigmoid' }), 1],
  ['BN output read twice: fold, no clamp', (x) => { const b = bn(conv(x)); return sym.elemwise_add({ lhs: sym.relu({ data: b }), rhs: b }); }, 1],
  ['conv output read twice: no fold', (x) => { const c = conv(x); return sym.elemwise_add({ lhs: bn(c), rhs: c }); }, 0],
  ['BN axis 0: no fold', (x) => bn(conv(x), { axis: 0 }), 0],
];

/** Forward of a bind (fuse: false gives the unfused graph) with deterministic parameters. */
function forward(net: mx.Symbol, N: number, fuse: boolean, tweak?: (e: mx.Executor) => void): Float32Array {
  const exe = net.simpleBind({ shapes: { data: [N, 4, 7, 9] }, gradReq: 'null', fuse });
  try {
    let k = 1;
    for (const [n, a] of [...Object.entries(exe.argDict), ...Object.entries(exe.auxDict)]) {
      a.set(n.endsWith('var') || n.endsWith('gamma') ? randArray(a.size, k++, 0.2, 2) : randArray(a.size, k++));
    }
    exe.forward();
    if (tweak) { tweak(exe); exe.forward(); }
    return exe.outputs[0].toTypedArray() as Float32Array;
  } finally { exe.dispose(); }
}

const same = (a: Float32Array, b: Float32Array, what: string) => {
  assert.is(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${what}: differs at ${i}: ${a[i]} vs ${b[i]}`);
};

test('folded binds give the unfused bits; the pass folds only what it may', () => {
  for (const [name, build, folds] of NETS) {
    const net = build(sym.Variable('data'));
    assert.is(applyPasses(new Graph(net.outputs), [foldBatchNormPass]).getAttr('bn_folded'), folds, `${name}: folds`);
    for (const N of [1, 3]) same(forward(net, N, true), forward(net, N, false), `${name}, batch ${N}`);
  }
});

test('parameters set after bind are used (nothing baked in)', () => {
  const net = NETS[1][1](sym.Variable('data'));
  const tweak = (e: mx.Executor) => { e.argDict.bn_gamma.set(randArray(6, 77, 0.5, 3)); e.auxDict.bn_moving_mean.set(randArray(6, 78)); e.argDict.c_weight.set(randArray(e.argDict.c_weight.size, 79)); };
  same(forward(net, 2, true, tweak), forward(net, 2, false, tweak), 'after set');
});

test('f32_bn_act on 2 threads == 1 thread, bitwise', async () => {
  const before = mx.getNumThreads();
  const net = sym.clip({ data: bn(conv(sym.Variable('data'), { num_filter: 32 })), a_min: 0, a_max: 6 });
  const run = () => { const e = net.simpleBind({ shapes: { data: [2, 4, 70, 66] }, gradReq: 'null' }); let k = 3; for (const a of [...Object.values(e.argDict), ...Object.values(e.auxDict)]) a.set(randArray(a.size, k++, 0.1, 1)); const y = e.forward()[0].toTypedArray() as Float32Array; e.dispose(); return y; };
  try {
    mx.setNumThreads(1);
    const one = run();
    mx.setNumThreads(2);
    await mx.threadsReady();
    same(run(), one, '2 threads');
  } finally { mx.setNumThreads(before); }
});

test.run();
