// `mxwasm info model.onnx` and `mxwasm predict model.onnx`, and Predictor.load of a .onnx path:
// an exported LeNet written to a temporary folder, compared with the in-memory model.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mx, assertClose } from '../helpers.js';
import { run as info } from '../../src/cli/info.js';
import { run as predict } from '../../src/cli/predict.js';
import { rnd, fileSeed } from './oracle.js';

fileSeed(test, 'cli');

const capture = () => { const out: string[] = [], err: string[] = []; return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } }; };

test('info and predict on an exported LeNet; Predictor.load(.onnx) matches the original', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxwasm-onnx-'));
  try {
    const sym = mx.models.lenet(), shapes = { data: [1, 1, 28, 28] }, inf = sym.inferShape(shapes);
    const argParams: Record<string, any> = {};
    sym.listArguments().forEach((n, i) => { if (n !== 'data' && !n.endsWith('label')) argParams[n] = mx.nd.array(rnd(inf.argShapes[i], -0.3, 0.3), { shape: inf.argShapes[i] }); });
    const path = join(dir, 'lenet.onnx');
    writeFileSync(path, mx.onnx.exportModel(sym, { argParams }, shapes, { dynamicBatch: 'N' }));
    const x = rnd([1, 1, 28, 28], 0, 1);
    writeFileSync(join(dir, 'x.json'), JSON.stringify({ data: [[Array.from({ length: 28 }, (_, r) => Array.from(x.subarray(r * 28, r * 28 + 28)))]] }));

    let c = capture();
    assert.is(await info(['info', path], c.io), 0, c.err.join('\n'));
    const text = c.out.join('\n');
    assert.match(text, /opset 13/);
    assert.match(text, /data \(N, 1, 28, 28\) float32/);
    assert.match(text, /Conv 2/);
    assert.match(text, /memory\s+inference plan/);

    const ref = mx.Predictor.load({ symbol: sym, params: { argParams }, inputShapes: shapes });
    const want = Float32Array.from(ref.forward(x)[0].data);
    ref.dispose();
    const p = mx.Predictor.load({ symbol: path });
    assert.equal(p.inputShapes, { data: [1, 1, 28, 28] });
    assertClose(p.forward(x)[0].data, want, 1e-5, 1e-6);
    p.dispose();

    c = capture();
    assert.is(await predict(['predict', path, '--input', join(dir, 'x.json'), '--top', '2'], c.io), 0, c.err.join('\n'));
    const best = Array.from(want).indexOf(Math.max(...want));
    assert.match(c.out.join('\n'), new RegExp(`#1  class ${best} `));
    Object.values(argParams).forEach((a) => a.dispose());
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
