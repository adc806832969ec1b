// Hostile model files found by fuzzing (issue 14): a 332-byte conv with pad 1e9 once looped in the Winograd
// workspace planner and ran Node out of heap. Every inferred shape is bounded against the memory's maximum
// before anything is planned, so these fail with a ShapeError / MemoryError at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, expectMx } from '../helpers.js';

const conv = (pad: string, extra = '') => JSON.stringify({
  nodes: [
    { op: 'null', name: 'data', inputs: [] }, { op: 'null', name: 'c_weight', inputs: [] }, { op: 'null', name: 'c_bias', inputs: [] },
    { op: 'Convolution', name: 'c', attrs: { kernel: '(3, 3)', num_filter: '16', pad, ...(extra ? JSON.parse(extra) : {}) }, inputs: [[0, 0, 0], [1, 0, 0], [2, 0, 0]] },
  ],
  arg_nodes: [0, 1, 2], heads: [[3, 0, 0]], attrs: { mxnet_version: ['int', 10600] },
});

test('conv with pad 1e9 (the 332-byte file): simpleBind, Predictor.load and inferShape fail cleanly', () => {
  const json = conv('(1000000000, 1000000000)');
  assert.ok(json.length < 400, `file is ${json.length} bytes`);
  const before = mx.memoryStats().bytesInUse;
  expectMx(() => mx.sym.fromJSON(json).inferShape({ data: [1, 16, 8, 8] }), 'inferShape', /Error in operator c .*elements/);
  expectMx(() => mx.sym.fromJSON(json).simpleBind({ shapes: { data: [1, 16, 8, 8] } }), 'simpleBind', /operator c/);
  expectMx(() => mx.Predictor.load({ symbol: json, params: {}, inputShapes: { data: [1, 16, 8, 8] } }), 'Predictor.load');
  assert.is(mx.memoryStats().bytesInUse, before, 'nothing left allocated');
});

test('huge but finite shapes: element and byte bounds, named; given shapes bounded too', () => {
  // 1.6e9 floats fit the element bound (one byte each at least) but not 4 bytes each: the bind byte check names it
  expectMx(() => mx.sym.fromJSON(conv('(10000, 10000)')).simpleBind({ shapes: { data: [1, 16, 8, 8] } }), 'bytes', /c\[0\].*bytes|elements/);
  const fc = mx.sym.FullyConnected({ data: mx.sym.Variable('data'), num_hidden: 2 ** 40, name: 'fc' });
  expectMx(() => fc.inferShape({ data: [1, 4] }), 'fc num_hidden 2^40', /fc/);
  expectMx(() => mx.sym.Variable('data').inferShape({ data: [2 ** 30, 2 ** 30] }), 'given shape', /'data'/);
  expectMx(() => mx.sym.Variable('data').inferShape({ data: [2, 1.5] }), 'fractional dim', /invalid dimension/);
});

test('an imperative conv with a huge pad is a MemoryError before any workspace is planned', () => {
  const x = mx.nd.zeros([1, 16, 8, 8]), w = mx.nd.zeros([16, 16, 3, 3]);
  expectMx(() => mx.nd.Convolution(x, w, { kernel: [3, 3], num_filter: 16, pad: [1e9, 1e9], no_bias: true }), 'nd.Convolution');
  x.dispose(); w.dispose();
});

const small = () => ({ nodes: [{ op: 'null', name: 'data', inputs: [] as unknown[] }, { op: 'Activation', name: 'a', attrs: { act_type: 'relu' }, inputs: [[0, 0, 0]] as unknown[] }], arg_nodes: [0], heads: [[1, 0, 0]] as unknown[] });
const deep = (n: number) => { let v: unknown = 0; for (let i = 0; i < n; i++) v = [v]; return v; };

test('untrusted JSON: 10,000-deep entries, out-of-range output indexes, hostile names are FormatErrors', () => {
  const cases: [string, unknown, RegExp][] = [];
  const a = small(); a.nodes[1].inputs = [deep(10000)]; cases.push(['deep input', a, /nested more than/]);
  const b = small(); b.heads = [deep(10000)]; cases.push(['deep head', b, /nested more than/]);
  cases.push(['deep head text', JSON.stringify(small()).replace('"heads":[[1,0,0]]', `"heads":[${'['.repeat(10000)}${']'.repeat(10000)}]`), /nested more than/]);
  const c = small(); c.heads = [[1, 5, 0]]; cases.push(['head output 5', c, /head \[1,5,0\] reads output 5 of node a/]);
  for (const idx of [1e8, 2 ** 32, 1.5]) {
    const d = small(); d.nodes.push({ op: 'Activation', name: 'b', attrs: { act_type: 'relu' }, inputs: [[1, idx, 0]] }); d.heads = [[2, 0, 0]];
    cases.push([`input output ${idx}`, d, /node 2 \(b\) input 0|non-integer/]);
  }
  for (const [what, json, re] of cases) {
    let text: string | undefined;
    try { text = typeof json === 'string' ? json : JSON.stringify(json); } catch { /* too deep for JSON.stringify itself */ }
    for (const form of text ? [json, text] : [json]) expectMx(() => mx.sym.fromJSON(form as string).inferShape({ data: [2, 3] }), what, re);
  }
  const e = small(); e.nodes[0].name = 'constructor'; // dict lookups by a file's names must not reach Object.prototype
  expectMx(() => mx.sym.fromJSON(e).inferShape({ data: [2, 3] }), "a variable named 'constructor'", /constructor/);
  assert.equal(mx.sym.fromJSON(e).inferShape({ constructor: [2, 3] }).outShapes, [[2, 3]]);
});

test.run();
