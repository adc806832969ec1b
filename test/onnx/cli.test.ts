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
import { encodeModel } from '../../src/onnx/encode.js';

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

test('predict on a model with an int64 token-id input and a uint8 output: the ids go in as integers, fractional ids are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxwasm-onnx-'));
  try {
    const m = encodeModel({ opset: 13, graph: {
      nodes: [{ opType: 'Gather', inputs: ['emb', 'ids'], outputs: ['e'] }, { opType: 'QuantizeLinear', inputs: ['e', 's', 'zp'], outputs: ['q'] }],
      initializers: [{ name: 'emb', dims: [5, 3], data: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14] }, { name: 's', dims: [], data: [0.5] }, { name: 'zp', dims: [], data: [7], type: 2 }],
      inputs: [{ name: 'ids', dims: [1, 2], type: 7 }], outputs: [{ name: 'q', type: 2 }],
    } });
    const path = join(dir, 'ids.onnx');
    writeFileSync(path, m);
    writeFileSync(join(dir, 'ids.json'), JSON.stringify({ ids: [[4, 1]] }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ids: [[4, 1.5]] }));
    let c = capture();
    assert.is(await predict(['predict', path, '--input', join(dir, 'ids.json'), '--top', '1'], c.io), 0, c.err.join('\n'));
    // row 4 of emb is 12, 13, 14 -> 31, 33, 35 quantized; the largest (35, the last of the first id's three) leads
    assert.match(c.out.join('\n'), /#1  class 2 {2}score 35/);
    c = capture();
    assert.is(await predict(['predict', path, '--input', join(dir, 'bad.json')], c.io), 1);
    assert.match(c.err.join('\n'), /'ids'.*element 1 = 1.5/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
