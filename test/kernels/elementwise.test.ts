// Elementwise kernels (f32-vbinary, f32-vunary) vs src/reference/elementwise.ts: every size in SIZES,
// in place, special values, broadcast rows, and the error bounds of the polynomial transcendentals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, SIZES } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { f32 } from '../../src/runtime/view.js';
import { VBINARY_VC, VBINARY_VV, VUNARY, VUNARY_GRAD } from '../../src/runtime/manifest/elementwise.js';
import { REF_BINARY, REF_GRAD, REF_UNARY, bcastSumRef, broadcastRef, clipGradRef, clipRef, smoothL1GradRef, smoothL1Ref, whereRef } from '../../src/reference/elementwise.js';
import { kernelCall } from '../../src/runtime/manifest/args.js';

void mx;
const R = rt(), K = R.K;

/** ulp distance between two float32 values (0 for two NaNs, Infinity for one NaN). */
const UF = new Float32Array(2), UI = new Int32Array(UF.buffer);
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  UF[0] = a; UF[1] = b;
  const i = UI[0] < 0 ? -(UI[0] & 0x7fffffff) : UI[0], j = UI[1] < 0 ? -(UI[1] & 0x7fffffff) : UI[1];
  return Math.abs(i - j);
}

/** Copies arrays into wasm memory, runs f(offsets), returns what `out` holds afterwards. */
function run(ins: Float32Array[], n: number, f: (offs: number[], out: number) => void, outIdx = -1): Float32Array {
  const offs = ins.map((a) => { const o = R.alloc.alloc(Math.max(a.length, 1) * 4); f32(o, a.length).set(a); return o; });
  const out = outIdx >= 0 ? offs[outIdx] : R.alloc.alloc(Math.max(n, 1) * 4);
  try { f(offs, out); return f32(out, n).slice(); } finally { for (const o of offs) R.alloc.free(o); if (outIdx < 0) R.alloc.free(out); }
}

function check(name: string, got: Float32Array, want: ArrayLike<number>, maxUlp = 0, atol = 0): void {
  for (let i = 0; i < got.length; i++) {
    const u = ulps(got[i], want[i]);
    if (u > maxUlp && !(Math.abs(got[i] - want[i]) <= atol)) throw new Error(`${name}: at ${i} got ${got[i]}, want ${want[i]} (${u} ulp)`);
  }
}

// Bounds (ulp) for kernels that are not exact; the rest must match the reference bit for bit.
const UNARY_ULP: Record<string, number> = { exp: 1, log: 1, log1p: 2, expm1: 2, tanh: 5, sigmoid: 2, softrelu: 3, softsign: 1, rsqrt: 1, sin: 2, cos: 2 };
const domain = (op: string): [number, number] => (op === 'log' || op === 'sqrt' || op === 'rsqrt' ? [0.01, 10] : op === 'log1p' ? [-0.99, 10] : [-6, 6]);

for (const op of VUNARY) {
  test(`f32_v${op}__simd128 vs reference at every size, in place`, () => {
    const name = `f32_v${op}__simd128`, f = REF_UNARY[op];
    for (const n of SIZES) {
      const [lo, hi] = domain(op), x = randArray(n, n + 3, lo, hi), want = Array.from(x, f);
      check(`${name} n=${n}`, run([x], n, ([a], z) => K[name](a, z, n)), want, UNARY_ULP[op] ?? 0);
      check(`${name} n=${n} in place`, run([x], n, ([a]) => K[name](a, a, n), 0), want, UNARY_ULP[op] ?? 0);
    }
  });
}

const VV_REF: Record<string, string> = { mul_u8: 'mul', add_u8: 'add' };
for (const name of ['f32_vadd__simd128_u8', 'f32_vmul__simd128_u8', ...VBINARY_VV.map((o) => `f32_v${o}__simd128`)]) {
  test(`${name} vs reference at every size, in place on either input`, () => {
    const op = name.replace(/^f32_v|__simd128(_u8)?$/g, ''), f = REF_BINARY[VV_REF[op] ?? op];
    const tol = op === 'pow' || op === 'hypot' ? 1 : 0;
    for (const n of SIZES) {
      const x = randArray(n, n, op === 'pow' ? 0 : -2, 2), y = randArray(n, n + 7, -2, 2);
      if (op.match(/eq|ne|ge/)) for (let i = 0; i < n; i += 3) y[i] = x[i];
      const want = Array.from(x, (v, i) => f(v, y[i]));
      check(`${name} n=${n}`, run([x, y], n, ([a, b], z) => K[name](a, b, z, n)), want, tol);
      check(`${name} n=${n} z=x`, run([x, y], n, ([a, b]) => K[name](a, b, a, n), 0), want, tol);
      check(`${name} n=${n} z=y`, run([x, y], n, ([a, b]) => K[name](a, b, b, n), 1), want, tol);
    }
  });
}

const VC_REF: Record<string, (x: number, s: number) => number> = {
  addc: REF_BINARY.add, rsubc: (x, s) => REF_BINARY.sub(s, x), mulc: REF_BINARY.mul, divc: REF_BINARY.div,
  rdivc: (x, s) => REF_BINARY.div(s, x), maxc: REF_BINARY.max, minc: REF_BINARY.min, hypotc: REF_BINARY.hypot,
  powc: REF_BINARY.pow, rpowc: (x, s) => REF_BINARY.pow(s, x), modc: REF_BINARY.mod, rmodc: (x, s) => REF_BINARY.mod(s, x),
  eqc: REF_BINARY.eq, nec: REF_BINARY.ne, gtc: REF_BINARY.gt, gec: REF_BINARY.ge, ltc: REF_BINARY.lt, lec: REF_BINARY.le,
};
for (const op of VBINARY_VC) {
  test(`f32_v${op}__simd128 vs reference at every size, in place`, () => {
    const name = `f32_v${op}__simd128`, f = VC_REF[op];
    for (const s of [0.75, -1.5, 0, 2]) {
      for (const n of SIZES) {
        const x = randArray(n, n + 11, op === 'powc' ? 0 : -3, 3);
        for (let i = 0; i < n; i += 5) x[i] = s;
        const want = Array.from(x, (v) => f(v, Math.fround(s)));
        check(`${name}(s=${s}) n=${n}`, run([x], n, ([a], z) => K[name](a, z, s, n)), want, op.includes('pow') ? 1 : 0);
        check(`${name}(s=${s}) n=${n} in place`, run([x], n, ([a]) => K[name](a, a, s, n), 0), want, op.includes('pow') ? 1 : 0);
      }
    }
  });
}

test('gradient kernels, clip, clip_grad, smooth_l1 vs reference at every size', () => {
  for (const n of SIZES) {
    const y = randArray(n, n, -2, 2), g = randArray(n, n + 1, -1, 1);
    for (let i = 0; i < n; i += 4) y[i] = i % 8 ? -1 : 1; // exact clip bounds
    for (const op of VUNARY_GRAD) {
      const name = `f32_v${op}_grad__simd128`, want = Array.from(y, (v, i) => REF_GRAD[op](v, g[i]));
      check(`${name} n=${n}`, run([y, g], n, ([a, b], z) => K[name](a, b, z, n)), want);
      check(`${name} n=${n} z=g`, run([y, g], n, ([a, b]) => K[name](a, b, b, n), 1), want);
    }
    check(`clip n=${n}`, run([y], n, ([a], z) => kernelCall(K, 'f32_vclip__simd128', { x: a, z, lo: -1, hi: 1, n })), Array.from(y, (v) => clipRef(v, -1, 1)));
    check(`clip_grad n=${n}`, run([y, g], n, ([a, b], z) => kernelCall(K, 'f32_vclip_grad__simd128', { x: a, g: b, z, lo: -1, hi: 1, n })), Array.from(y, (v, i) => clipGradRef(v, g[i], -1, 1)));
    for (const s of [1, 2, 0.5]) {
      check(`smooth_l1 n=${n}`, run([y], n, ([a], z) => kernelCall(K, 'f32_vsmooth_l1__simd128', { x: a, z, s, n })), Array.from(y, (v) => smoothL1Ref(v, s)));
      check(`smooth_l1_grad n=${n}`, run([y, g], n, ([a, b], z) => kernelCall(K, 'f32_vsmooth_l1_grad__simd128', { x: a, g: b, z, s, n })), Array.from(y, (v, i) => smoothL1GradRef(v, g[i], s)));
    }
  }
});

test('where and where_grad: per element and per row, a 0 pointer skips an output', () => {
  for (const [rows, inner] of [[0, 1], [1, 1], [5, 1], [17, 1], [65, 1], [3, 5], [7, 16], [2, 1031]]) {
    const n = rows * inner, cc = randArray(rows, rows, -1, 1).map((v) => (v > 0 ? v : 0)); // one value per row
    const x = randArray(n, 2), y = randArray(n, 3), g = randArray(n, 4);
    const want = whereRef(cc, x, y, inner);
    check(`where ${rows}x${inner}`, run([cc, x, y], n, ([a, b, d], z) => kernelCall(K, 'f32_vwhere__simd128', { c: a, x: b, y: d, z, inner, n })), want);
    check(`where ${rows}x${inner} z=y`, run([cc, x, y], n, ([a, b, d]) => kernelCall(K, 'f32_vwhere__simd128', { c: a, x: b, y: d, z: d, inner, n }), 2), want);
    const zeros = new Float32Array(n);
    const gx = run([cc, g], n, ([a, b], z) => kernelCall(K, 'f32_vwhere_grad__simd128', { c: a, g: b, gx: z, gy: 0, inner, n }));
    const gy = run([cc, g], n, ([a, b], z) => kernelCall(K, 'f32_vwhere_grad__simd128', { c: a, g: b, gx: 0, gy: z, inner, n }));
    check('where_grad x', gx, whereRef(cc, g, zeros, inner));
    check('where_grad y', gy, whereRef(cc, zeros, g, inner));
  }
});

/** Collapsed 6-D dims + masks for two shapes, as the ops compute them (kept naive here). */
/** The kernels' six dims n0..n5 by name. */
const dimsOf = (n: number[]) => ({ n0: n[0], n1: n[1], n2: n[2], n3: n[3], n4: n[4], n5: n[5] });
function plan(out: number[], a: number[], b: number[]): { n: number[]; ma: number; mb: number } {
  const al = [...Array(out.length - a.length).fill(1), ...a], bl = [...Array(out.length - b.length).fill(1), ...b];
  const n = [...Array(6 - out.length).fill(1), ...out];
  let ma = 0, mb = 0;
  out.forEach((d, i) => { const k = i + 6 - out.length; if (al[i] === 1 && d !== 1) ma |= 1 << k; if (bl[i] === 1 && d !== 1) mb |= 1 << k; });
  return { n, ma, mb };
}

const BCAST_OPS = ['add', 'sub', 'mul', 'div', 'max', 'min', 'hypot', 'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'pow', 'mod', 'first'];
const CASES: [number[], number[]][] = [[[2, 1, 3], [1, 4, 1]], [[5], [3, 5]], [[3, 5], [5]], [[3, 1], [1, 17]], [[4, 1, 1], [4, 6, 7]],
  [[1, 3, 1, 5, 1, 2], [2, 1, 4, 1, 3, 1]], [[2, 3], [2, 3]], [[1], [9]], [[9], [1]], [[0, 3], [1, 3]], [[6, 1], [6, 33]]];
test('f32_vbcast__simd128: every op on broadcasting shapes vs the naive reference', () => {
  for (const [as, bs] of CASES) {
    const a = randArray(as.reduce((p, d) => p * d, 1), 5, 0.1, 2), b = randArray(bs.reduce((p, d) => p * d, 1), 6, -2, 2);
    const shape = broadcastRef(REF_BINARY.add, a, as, b, bs).shape;
    const { n, ma, mb } = plan(shape, as, bs), size = shape.reduce((p, d) => p * d, 1);
    // The kernel needs the innermost dim not broadcast on both sides: those cases use trailing 1s.
    if ((ma & mb & 32) !== 0) continue;
    BCAST_OPS.forEach((op, code) => {
      const f = op === 'first' ? (x: number) => x : REF_BINARY[op];
      const want = broadcastRef(f, a, as, b, bs).data;
      const got = run([a, b], size, ([x, y], z) => kernelCall(K, 'f32_vbcast__simd128', { op: code, x, y, z, ...dimsOf(n), mx: ma, my: mb }));
      check(`bcast ${op} ${as} ${bs}`, got, want, op === 'pow' ? 1 : 0);
      // In place on whichever input has the output's full size.
      const full = a.length === size ? 0 : b.length === size ? 1 : -1;
      if (full >= 0) check(`bcast ${op} ${as} ${bs} in place`, run([a, b], size, ([x, y]) => kernelCall(K, 'f32_vbcast__simd128', { op: code, x, y, z: full ? y : x, ...dimsOf(n), mx: ma, my: mb }), full), want, op === 'pow' ? 1 : 0);
    });
  }
});

test('f32_vbcast_sum__simd128 reduces over the broadcast dims', () => {
  for (const [as, bs] of [...CASES, [[1, 1], [1031, 7]], [[1], [100003]], [[7, 1], [7, 65]]] as [number[], number[]][]) {
    const shape = broadcastRef(REF_BINARY.add, new Float32Array(as.reduce((p, d) => p * d, 1)), as, new Float32Array(bs.reduce((p, d) => p * d, 1)), bs).shape;
    const size = shape.reduce((p, d) => p * d, 1), g = randArray(size, 9);
    const { n, ma } = plan(shape, as, bs), m = as.reduce((p, d) => p * d, 1);
    const got = run([g, new Float32Array(m).fill(NaN)], m, ([gg, d]) => kernelCall(K, 'f32_vbcast_sum__simd128', { g: gg, d, ...dimsOf(n), m: ma }), 1);
    const want = bcastSumRef(g, shape, as);
    for (let i = 0; i < m; i++) if (!(Math.abs(got[i] - want[i]) <= 1e-4 * (1 + Math.sqrt(size)))) throw new Error(`bcast_sum ${as} ${bs} at ${i}: ${got[i]} vs ${want[i]}`);
  }
});

/** Max ulp (and abs) error of a unary kernel over points xs vs the f32-rounded Math reference. */
function maxErr(op: string, xs: Float32Array): { ulp: number; abs: number; at: number } {
  const got = run([xs], xs.length, ([a], z) => K[`f32_v${op}__simd128`](a, z, xs.length));
  let ulp = 0, abs = 0, at = 0;
  for (let i = 0; i < xs.length; i++) {
    const w = REF_UNARY[op](xs[i]), u = ulps(got[i], w);
    if (u > ulp) { ulp = u; at = xs[i]; }
    abs = Math.max(abs, Math.abs(got[i] - w));
  }
  return { ulp, abs, at };
}
const grid = (lo: number, hi: number, n: number) => Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
/** Every `stride`-th f32 bit pattern of both signs (NaNs excluded; `sig`: only x >= -87.33, where sigmoid is not flushed to 0). */
const bits = (stride: number, sig: boolean) => {
  const n = Math.floor(0x7f800000 / stride) + 1, a = new Float32Array(2 * n), u = new Uint32Array(a.buffer);
  for (let i = 0; i < n; i++) { u[2 * i] = i * stride; u[2 * i + 1] = (i * stride + 0x80000000) >>> 0; }
  return sig ? a.filter((v) => v >= -87.33) : a;
};
const geo = (lo: number, hi: number, n: number) => Float32Array.from({ length: n }, (_, i) => lo * Math.pow(hi / lo, i / (n - 1)));

test('transcendental error bounds over dense grids (documented in f32-vunary.ts)', () => {
  const cases: [string, Float32Array, number][] = [
    ['exp', grid(-87.33, 88.72, 400001), 1], ['log', geo(1e-37, 3e38, 200001), 1], ['log', grid(0.5, 2, 200001), 1],
    ['log1p', grid(-0.999, 2, 200001), 2], ['log1p', geo(1e-30, 1e30, 100001), 2], ['expm1', grid(-20, 88, 400001), 2],
    ['expm1', geo(1e-30, 1, 100001), 2], ['tanh', grid(-12, 12, 400001), 5], ['tanh', geo(1e-30, 1, 100001), 4],
    ['tanh', bits(2039, false), 5], ['sigmoid', grid(-87.3, 88, 400001), 2], ['sigmoid', bits(2039, true), 2],
    ['softrelu', grid(-80, 80, 200001), 3],
  ];
  for (const [op, xs, bound] of cases) {
    const e = maxErr(op, xs);
    assert.ok(e.ulp <= bound, `${op}: ${e.ulp} ulp at x=${e.at} (bound ${bound})`);
  }
  for (const op of ['sin', 'cos']) {
    const e = maxErr(op, grid(-8192, 8192, 400001));
    assert.ok(e.abs <= 1.2e-7, `${op}: abs error ${e.abs}`);
  }
});

test('special values: NaN, +-Infinity, 0, overflow, underflow (no subnormal results)', () => {
  const xs = new Float32Array([NaN, Infinity, -Infinity, 0, -0, 100, -100, 88.8, -88, 1e-40, -1]);
  const x88 = xs[7];
  const exact: Record<string, number[]> = {
    exp: [NaN, Infinity, 0, 1, 1, Infinity, 0, Infinity, 0, 1, REF_UNARY.exp(-1)],
    log: [NaN, Infinity, NaN, -Infinity, -Infinity, REF_UNARY.log(100), NaN, REF_UNARY.log(x88), NaN, REF_UNARY.log(xs[9]), NaN],
    tanh: [NaN, 1, -1, 0, -0, 1, -1, 1, -1, xs[9], REF_UNARY.tanh(-1)],
    sigmoid: [NaN, 1, 0, 0.5, 0.5, 1, 0, 1, 0, 0.5, REF_UNARY.sigmoid(-1)],
    log1p: [NaN, Infinity, NaN, 0, -0, REF_UNARY.log1p(100), NaN, REF_UNARY.log1p(x88), NaN, xs[9], -Infinity],
    expm1: [NaN, Infinity, -1, 0, -0, Infinity, -1, Infinity, -1, xs[9], REF_UNARY.expm1(-1)],
    softrelu: [NaN, Infinity, 0, Math.LN2, Math.LN2, 100, 0, x88, 0, Math.LN2, REF_UNARY.softrelu(-1)],
    sin: [NaN, NaN, NaN, 0, -0, REF_UNARY.sin(100), REF_UNARY.sin(-100), REF_UNARY.sin(x88), REF_UNARY.sin(-88), xs[9], REF_UNARY.sin(-1)],
    relu: [NaN, Infinity, 0, 0, 0, 100, 0, x88, 0, xs[9], 0],
    sign: [0, 1, -1, 0, 0, 1, -1, 1, -1, 1, -1],
  };
  for (const [op, want] of Object.entries(exact)) check(`${op} specials`, run([xs], xs.length, ([a], z) => K[`f32_v${op}__simd128`](a, z, xs.length)), want, 2, 1e-45);
});

test.run();
