// Concat / stack / SliceChannel with long rows: byte pieces of x8_copy run as the parts of one parallel job
// (src/ops/tensor/concat.ts pieceCalls). The pieces cover each destination byte once, from the right source byte; the
// results equal one thread's and the reference, at odd sizes (prime channels and rows), batch 1 and 3, a skipped part.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { pieceCalls } from '../../src/ops/tensor/concat.js';
import { setKernelThreadsSuspended } from '../../src/parallel/threads.js';

/** Runs the calls over a byte model of the memory; returns it and how often each byte was written. */
function runCalls(mem: Uint8Array, calls: number[][]): Uint8Array {
  const writes = new Uint8Array(mem.length);
  for (const [src, dst, n] of calls) {
    assert.ok(n > 0 && src >= 0 && dst >= 0 && src + n <= mem.length && dst + n <= mem.length, `call [${src}, ${dst}, ${n}] in range`);
    mem.copyWithin(dst, src, src + n);
    for (let i = dst; i < dst + n; i++) writes[i]++;
  }
  return writes;
}

test('pieceCalls: every destination byte written once, from its source byte; nothing else written', () => {
  // [outer, ks, inner, es]: batch 1 and 3, a prime number of channels and rows, one-byte elements.
  const cases: [number, number[], number, number][] = [[1, [7, 13], 97, 4], [3, [5, 2, 11], 131, 4], [1, [1, 3], 4099, 4], [2, [17, 19], 1031, 1],
    [1, [64, 32, 96], 3025, 4]];
  for (const [outer, ks, inner, es] of cases) {
    for (const toWhole of [true, false]) {
      for (const skip of [undefined, ks.map((_, i) => i === 1)]) {
        const what = `outer ${outer} ks ${ks} inner ${inner} es ${es} ${toWhole ? 'concat' : 'split'} skip ${!!skip}`;
        const total = ks.reduce((a, b) => a + b, 0), wholeBytes = outer * total * inner * es, pad = 64;
        const parts: number[] = [];
        let at = pad + wholeBytes + pad;
        for (const k of ks) { parts.push(at); at += outer * k * inner * es + pad; }
        const whole = pad, mem = new Uint8Array(at);
        for (let i = 0; i < mem.length; i++) mem[i] = (i * 131 + 7) & 255;
        const before = mem.slice(), calls = pieceCalls(outer, ks, inner, toWhole, es, parts, whole, skip);
        assert.ok(calls && calls.length > 0, `${what}: pieces`);
        const writes = runCalls(mem, calls!);
        const want = before.slice(), wantWrites = new Uint8Array(mem.length);
        for (let o = 0; o < outer; o++) {
          let c0 = 0;
          ks.forEach((k, i) => {
            const n = k * inner * es, w = whole + (o * total + c0) * inner * es, p = parts[i] + o * n;
            c0 += k;
            if (skip?.[i]) return;
            for (let b = 0; b < n; b++) { if (toWhole) want[w + b] = before[p + b]; else want[p + b] = before[w + b]; wantWrites[toWhole ? w + b : p + b]++; }
          });
        }
        for (let i = 0; i < mem.length; i++) {
          if (writes[i] !== wantWrites[i]) assert.unreachable(`${what}: byte ${i} written ${writes[i]} times, want ${wantWrites[i]}`);
          if (mem[i] !== want[i]) assert.unreachable(`${what}: byte ${i} is ${mem[i]}, want ${want[i]}`);
        }
      }
    }
  }
  // Short rows stay one strided copy a part.
  assert.is(pieceCalls(4, [3, 5], 7, true, 4, [0, 1000], 5000), undefined);
});

/** Binds `s` (inputs x0.., random), runs it on one thread and on two: same bits, and parallel jobs on two. */
function sameBits(what: string, s: ReturnType<typeof mx.sym.Variable>, shapes: Record<string, number[]>, seed: number): ArrayLike<number> {
  const exe = s.simpleBind({ shapes, gradReq: 'null' });
  Object.entries(shapes).forEach(([n, sh], i) => exe.argDict[n].set(randArray(sh.reduce((a, b) => a * b, 1), seed + i)));
  setKernelThreadsSuspended(true);
  const one = exe.forward()[0].toTypedArray();
  setKernelThreadsSuspended(false);
  const jobs = mx.threadStats()?.jobs ?? 0;
  const two = exe.forward()[0].toTypedArray();
  if (mx.getNumThreads() > 1) assert.ok(mx.threadStats()!.jobs > jobs, `${what}: ran a parallel job`);
  for (let j = 0; j < one.length; j++) if (!Object.is(one[j], two[j])) assert.unreachable(`${what}: element ${j} ${one[j]} vs ${two[j]}`);
  exe.dispose();
  return two;
}

test('Concat, stack, SliceChannel with long rows: same bits on two threads as on one, and as the reference', async () => {
  await mx.threadsReady();
  for (const [N, C0, C1, H, W] of [[1, 7, 13, 101, 103], [3, 5, 11, 67, 71]]) {
    const x0 = mx.sym.Variable('x0'), x1 = mx.sym.Variable('x1'), shapes = { x0: [N, C0, H, W], x1: [N, C1, H, W] };
    const got = sameBits(`concat N ${N}`, mx.sym.Concat(x0, x1, { num_args: 2, dim: 1 }), shapes, 3);
    const a = randArray(N * C0 * H * W, 3), b = randArray(N * C1 * H * W, 4), p0 = C0 * H * W, p1 = C1 * H * W;
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < p0; i++) if (got[n * (p0 + p1) + i] !== a[n * p0 + i]) assert.unreachable(`concat N ${N}: image ${n} element ${i}`);
      for (let i = 0; i < p1; i++) if (got[n * (p0 + p1) + p0 + i] !== b[n * p1 + i]) assert.unreachable(`concat N ${N}: image ${n} element ${p0 + i}`);
    }
    const st = sameBits(`stack N ${N}`, mx.sym.stack(x1, mx.sym.Variable('x2'), { num_args: 2, axis: 0 }), { x1: [N, C1, H, W], x2: [N, C1, H, W] }, 5);
    const s0 = randArray(N * p1, 5), s1 = randArray(N * p1, 6);
    for (let i = 0; i < N * p1; i++) if (st[i] !== s0[i] || st[N * p1 + i] !== s1[i]) assert.unreachable(`stack N ${N}: element ${i}`);
    const sp = sameBits(`split N ${N}`, mx.sym.SliceChannel(mx.sym.Variable('x3'), { num_outputs: 3, axis: 1 }), { x3: [N, 21, H, W] }, 7);
    const x3 = randArray(N * 21 * H * W, 7);
    for (let n = 0; n < N; n++) for (let i = 0; i < 7 * H * W; i++) if (sp[n * 7 * H * W + i] !== x3[n * 21 * H * W + i]) assert.unreachable(`split N ${N}: element ${i}`);
  }
});

test('Concat backward with long rows: gradients are the pieces of the output gradient (one input without gradient)', () => {
  const [H, W] = [53, 59], x0 = mx.sym.Variable('x0'), x1 = mx.sym.Variable('x1');
  const exe = mx.sym.Concat(x0, x1, { num_args: 2, dim: 1 }).simpleBind({ shapes: { x0: [2, 3, H, W], x1: [2, 5, H, W] }, gradReq: { x0: 'write', x1: 'null' } });
  exe.forward({ isTrain: true });
  const g = randArray(2 * 8 * H * W, 9), P = H * W;
  exe.backward([mx.nd.array(g, { shape: [2, 8, H, W] })]);
  const d0 = exe.gradDict.x0.toTypedArray();
  for (let n = 0; n < 2; n++) for (let i = 0; i < 3 * P; i++) if (d0[n * 3 * P + i] !== g[n * 8 * P + i]) assert.unreachable(`dx0 image ${n} element ${i}`);
  exe.dispose();
});

test.run();
