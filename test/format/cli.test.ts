import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mx } from '../helpers.js';
import { run as info } from '../../src/cli/info.js';
import { run as predict, shapesOf, topK } from '../../src/cli/predict.js';
import { parsePnm, resizeBilinear } from '../../src/format/pnm.js';
import { haveFixtures, fixture, skip } from './fixtures.js';

const enc = new TextEncoder();
const capture = () => { const out: string[] = [], err: string[] = []; return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } }; };

test('argument helpers', () => {
  assert.equal(shapesOf(['data=1,3,224,224', 'x=(2, 5)']), { data: [1, 3, 224, 224], x: [2, 5] });
  assert.throws(() => shapesOf(['data']), /--shape must look like/);
  assert.equal(topK([0.1, 0.7, 0.2, 0.3, 0.9, 0.0], [2, 3], 1), ['sample 0:', '  #1  class 1  score 0.700000', 'sample 1:', '  #1  class 1  score 0.900000']);
});

test('PGM/PPM: P2, P5 (8/16 bit), P3, P6 planar; resize; bad files', () => {
  const p2 = parsePnm(enc.encode('P2\n# comment\n3 2\n9\n1 2 3\n4 5 6\n'));
  assert.equal([p2.width, p2.height, p2.channels, Array.from(p2.data)], [3, 2, 1, [1, 2, 3, 4, 5, 6]]);
  const p5 = parsePnm(new Uint8Array([...enc.encode('P5 2 1 65535\n'), 1, 2, 0, 3]));
  assert.equal(Array.from(p5.data), [258, 3]);
  const p6 = parsePnm(new Uint8Array([...enc.encode('P6\n2 1\n255\n'), 1, 2, 3, 4, 5, 6]));
  assert.equal(Array.from(p6.data), [1, 4, 2, 5, 3, 6]); // CHW
  assert.equal(Array.from(parsePnm(enc.encode('P3 1 1 255 7 8 9')).data), [7, 8, 9]);
  assert.equal(Array.from(resizeBilinear(p2, 1, 1).data).map((v) => +v.toFixed(3)), [3.5]);
  for (const [b, re] of [[enc.encode('P7 1 1 255'), /not a PGM/], [new Uint8Array([...enc.encode('P5 100 100 255\n'), 1]), /truncated/],
    [enc.encode('P5 0 1 255\n'), /bad size/], [enc.encode('P2 1 1 9 12'), /above maxval/], [enc.encode('P2 99999999999 1 9'), /bad size|expected a number/]] as const) {
    try { parsePnm(b); assert.unreachable(); } catch (e: any) { assert.is(e.name, 'FormatError'); assert.match(e.message, re); }
  }
});

if (!haveFixtures) skip('CLI fixture tests (no ../shared/fixtures/mxnet)');
else {
  test('mxwasm info: LeNet checkpoint summary, SqueezeNet symbol only', async () => {
    const c = capture();
    assert.is(await info(['info', fixture('fcrc-demo/lenet'), '1', '--shape', 'data=1,1,28,28'], c.io), 0, c.err.join('\n'));
    const text = c.out.join('\n');
    assert.match(text, /saved by MXNet 1\.4\.1, format 1\.x/);
    assert.match(text, /inputs {3}data \(1, 1, 28, 28\)/);
    assert.match(text, /outputs {2}hybridsequential0_dense1_fwd_output \(1, 10\)/);
    assert.match(text, /Total params: 3682/);
    assert.match(text, /8 arg \+ 0 aux arrays, 3,682 values/);
    assert.match(text, /memory {3}inference plan: .* activations arena/);
    const d = capture();
    assert.is(await info([fixture('fcrc-demo/lenet')], d.io), 0); // newest epoch found
    assert.match(d.out.join('\n'), /lenet-0001\.params/);
    const s = capture();
    assert.is(await info([fixture('SqueezeNet_v1.2/model'), '--shape', 'data=1,3,224,224'], s.io), 0, s.err.join('\n'));
    assert.match(s.out.join('\n'), /saved by MXNet 0\.9\.3, format 0\.9-0\.12 \(attr\)/);
    assert.match(s.out.join('\n'), /outputs {2}softmax_output \(1, 1000\)/);
    const e = capture();
    assert.is(await info([fixture('nope/none'), '0'], e.io), 1);
    assert.match(e.err[0], /cannot read/);
    assert.is(await info([], e.io), 2);
  });

  test('mxwasm predict: PGM, JSON and .npy inputs give the Predictor\'s top-k', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxwasm-cli-'));
    try {
      const px = new Uint8Array(784).map((_, i) => (i * 7) % 256);
      writeFileSync(join(dir, 'd.pgm'), new Uint8Array([...enc.encode('P5\n28 28\n255\n'), ...px]));
      const x = Float32Array.from(px, (v) => v / 255);
      writeFileSync(join(dir, 'd.json'), JSON.stringify({ data: [[Array.from({ length: 28 }, (_, r) => Array.from(x.subarray(r * 28, r * 28 + 28)))]] }));
      writeFileSync(join(dir, 'd.npy'), mx.nd.saveNumpy(null, mx.nd.array(x, { shape: [1, 1, 28, 28] })));
      const p = mx.Predictor.fromCheckpoint(fixture('fcrc-demo/lenet'), 1, { data: [1, 1, 28, 28] });
      const want = p.forward(x)[0].toTypedArray();
      p.dispose();
      const best = Array.from(want).indexOf(Math.max(...want));
      for (const [file, extra] of [['d.pgm', ['--scale', String(1 / 255)]], ['d.json', []], ['d.npy', []]] as const) {
        const c = capture();
        assert.is(await predict(['predict', fixture('fcrc-demo/lenet'), '1', '--input', join(dir, file), '--top', '2', ...extra], c.io), 0, c.err.join('\n'));
        assert.is(c.out.length, 3, c.out.join('\n'));
        const m = /#1  class (\d+)  score (\S+)/.exec(c.out[1]);
        assert.ok(m && Number(m[1]) === best && Math.abs(Number(m[2]) - want[best]) < 1e-4, `${file}: ${c.out[1]}`);
      }
      const c = capture();
      writeFileSync(join(dir, 'bad.json'), '[1, 2');
      assert.is(await predict([fixture('fcrc-demo/lenet'), '1', '--input', join(dir, 'bad.json')], c.io), 1);
      assert.match(c.err[0], /not valid JSON/);
      assert.is(await predict([fixture('fcrc-demo/lenet')], c.io), 2);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}

test.run();
