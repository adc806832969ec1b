// 3-D kernels (assembly/kernels/f32-vol.ts) vs the scalar references (src/reference/vol.ts): vol2col / col2vol and
// 3-D pooling forward / backward at widths 1..65 (SIMD tails), strides, pads, dilation, both pool conventions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, closeMsg } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { f32 } from '../../src/runtime/view.js';
import { volGeom } from '../../src/runtime/manifest/vol.js';
import { kernelCall } from '../../src/runtime/manifest/args.js';
import { refCol2vol, refConv3Out, refPool3, refPool3Backward, refPool3Out, refVol2col, type RefConv3Geom, type RefPool3Geom } from '../../src/reference/vol.js';

void mx;
const R = rt(), K = R.K;
const WIDTHS = [1, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 65];

/** Copies arrays into fresh wasm buffers (+16 floats of NaN slack: a kernel reading past its range shows), runs f, frees. */
function withBufs<T>(arrays: (Float32Array | number)[], f: (offs: number[]) => T): T {
  const offs = arrays.map((a) => R.alloc.alloc(((typeof a === 'number' ? a : a.length) + 16) * 4));
  arrays.forEach((a, i) => { const n = typeof a === 'number' ? a : a.length; f32(offs[i], n + 16).fill(NaN); if (typeof a !== 'number') f32(offs[i], n).set(a); });
  try { return f(offs); } finally { offs.forEach((o) => R.alloc.free(o)); }
}
const read = (off: number, n: number) => Float32Array.from(f32(off, n));
const check = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => { const m = closeMsg(a, b, 1e-5, 1e-5); assert.ok(!m, `${what}: ${m}`); };

const convCase = (C: number, D: number, H: number, W: number, k: number[], s: number[], p: number[], d: number[]): RefConv3Geom => ({ N: 1, C, D, H, W, F: 1, G: 1, k, s, p, d });

test('vol2col / col2vol match the references (widths 1..65, strides, pads, dilation)', () => {
  const cases: RefConv3Geom[] = [];
  for (const W of WIDTHS) cases.push(convCase(2, 3, 4, W, [3, 2, Math.min(3, W)], [1, 1, 1], [1, 0, 1], [1, 1, 1]));
  cases.push(convCase(3, 7, 5, 17, [3, 3, 3], [2, 2, 2], [1, 1, 1], [1, 1, 1]), convCase(1, 9, 9, 13, [3, 3, 3], [1, 1, 1], [2, 2, 2], [2, 2, 2]),
    convCase(2, 5, 6, 11, [1, 1, 1], [1, 1, 1], [0, 0, 0], [1, 1, 1]), convCase(2, 5, 6, 11, [2, 3, 4], [3, 1, 2], [0, 1, 2], [1, 2, 1]));
  for (const g of cases) {
    const [Do, Ho, Wo] = refConv3Out(g), L = Do * Ho * Wo, rows = g.C * g.k[0] * g.k[1] * g.k[2], x = randArray(g.C * g.D * g.H * g.W, g.W);
    const geo = { ...g, Do, Ho, Wo }, what = JSON.stringify({ ...g, N: undefined });
    withBufs([x, rows * L], ([xo, co]) => { kernelCall(K, 'f32_vol2col__simd128', { x: xo, col: co, ...volGeom(geo) }); check(read(co, rows * L), refVol2col(x, g), `vol2col ${what}`); });
    const col = randArray(rows * L, 3);
    withBufs([col, x.length], ([co, xo]) => { kernelCall(K, 'f32_col2vol__simd128', { col: co, x: xo, ...volGeom(geo) }); check(read(xo, x.length), refCol2vol(col, g), `col2vol ${what}`); });
  }
});

function poolCase(P: number, D: number, H: number, W: number, k: number[], s: number[], p: number[], type: RefPool3Geom['type'], full = false, cip = true): RefPool3Geom {
  return { P, D, H, W, k, s, p, type, full, countIncludePad: cip };
}
const CODE = { max: 0, avg: 1, sum: 2 };

test('f32_pool3d / f32_pool3d_bwd match the references: max / avg / sum, valid / full, count_include_pad, widths 1..65', () => {
  const cases: RefPool3Geom[] = [];
  for (const type of ['max', 'avg', 'sum'] as const) {
    for (const W of WIDTHS) cases.push(poolCase(2, 3, 5, W, [2, 3, Math.min(3, W)], [1, 2, 1], [1, 1, Math.min(1, Math.floor(Math.min(3, W) / 2))], type));
    cases.push(poolCase(3, 7, 6, 19, [3, 3, 3], [2, 2, 2], [1, 1, 1], type, true), poolCase(1, 5, 5, 17, [2, 2, 2], [2, 2, 2], [0, 0, 0], type, true),
      poolCase(2, 6, 7, 23, [3, 2, 3], [1, 1, 1], [1, 0, 1], type, false, false), poolCase(1, 4, 4, 9, [4, 4, 4], [3, 3, 3], [0, 0, 0], type, true, false));
  }
  for (const g of cases) {
    const o = refPool3Out(g), n = g.P * o[0] * o[1] * o[2], x = randArray(g.P * g.D * g.H * g.W, g.W + 7), what = JSON.stringify(g);
    const args = { P: g.P, D: g.D, H: g.H, W: g.W, Do: o[0], Ho: o[1], Wo: o[2], kd: g.k[0], kh: g.k[1], kw: g.k[2], sd: g.s[0], sh: g.s[1], sw: g.s[2],
      pd: g.p[0], ph: g.p[1], pw: g.p[2], type: CODE[g.type], countPad: g.countIncludePad ? 1 : 0 };
    const y = refPool3(x, g), dy = randArray(n, 5);
    withBufs([x, n], ([xo, yo]) => { kernelCall(K, 'f32_pool3d__simd128', { x: xo, y: yo, ...args }); check(read(yo, n), y, `pool3d ${what}`); });
    withBufs([x, y, dy, x.length], ([xo, yo, go, dxo]) => {
      kernelCall(K, 'f32_pool3d_bwd__simd128', { x: xo, y: yo, dy: go, dx: dxo, ...args });
      check(read(dxo, x.length), refPool3Backward(x, y, dy, g), `pool3d_bwd ${what}`);
    });
  }
});

test('max pooling backward sends a tie to the first window position only (d, h, w order)', () => {
  const g = poolCase(1, 2, 2, 2, [2, 2, 2], [1, 1, 1], [0, 0, 0], 'max'), x = new Float32Array(8).fill(1), dx = withBufs([x, new Float32Array([1]), new Float32Array([3]), 8], ([xo, yo, go, dxo]) => {
    kernelCall(K, 'f32_pool3d_bwd__simd128', { x: xo, y: yo, dy: go, dx: dxo, P: 1, D: 2, H: 2, W: 2, Do: 1, Ho: 1, Wo: 1, kd: 2, kh: 2, kw: 2, sd: 1, sh: 1, sw: 1, pd: 0, ph: 0, pw: 0, type: 0, countPad: 1 });
    return read(dxo, 8);
  });
  assert.equal([...dx], [3, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal([...refPool3Backward(x, [1], [3], g)], [3, 0, 0, 0, 0, 0, 0, 0]);
});

test.run();
