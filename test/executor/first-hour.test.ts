// Mistakes a new user makes in the first hour (a typo'd op name, a plain array where an NDArray goes, a wrong thread
// count): each is an MxError naming the op and argument, with a "did you mean" for names, as MXNet's messages do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mx, expectMx } from '../helpers.js';

test('an unknown op name on mx.nd / mx.sym is an ArgumentError with the closest name; probes of the namespaces still work', () => {
  expectMx(() => (mx.nd as unknown as Record<string, () => void>).Convolutoin(), 'mx.nd typo', /^mx\.nd has no operator 'Convolutoin' \(did you mean 'Convolution'\?\)$/);
  expectMx(() => (mx.sym as unknown as Record<string, () => void>).FullyConected(), 'mx.sym typo', /mx\.sym has no operator 'FullyConected' \(did you mean 'FullyConnected'\?\)/);
  expectMx(() => (mx.nd as unknown as Record<string, () => void>).rleu(), 'lower case', /did you mean 'relu'/);
  expectMx(() => (mx.nd as unknown as Record<string, () => void>).qqqqqqqqqqqq(), 'nothing near', /has no operator 'qqqqqqqqqqqq'$/);
  // Misses that code probes for stay undefined: promises, JSON, test frameworks, `in`, symbols, `_` names.
  const nd = mx.nd as unknown as Record<string | symbol, unknown>;
  for (const k of ['then', 'toJSON', 'asymmetricMatch', '_nope', Symbol.iterator]) assert.is(nd[k], undefined, String(k));
  assert.ok(!('Convolutoin' in mx.nd) && !Object.hasOwn(mx.nd, 'Convolutoin'));
  assert.is(typeof mx.nd.relu, 'function');
  assert.is(typeof nd.hasOwnProperty, 'function');
  assert.ok(inspect(mx.sym).length > 0 && JSON.stringify({ ...mx.random }) === '{}');
  // A symbol file's unknown op names the node and the closest op.
  const json = { nodes: [{ op: 'null', name: 'x', inputs: [] }, { op: 'Activaton', name: 'act1', attrs: { act_type: 'relu' }, inputs: [[0, 0, 0]] }], arg_nodes: [0], heads: [[1, 0, 0]] };
  expectMx(() => mx.sym.fromJSON(json), 'JSON', /Error in operator act1: unknown operator 'Activaton' \(did you mean 'Activation'\?\)/);
});

test('a positional argument that is not an NDArray / Symbol names the op and the argument (not "unknown attribute \'0\'")', () => {
  const x = mx.nd.ones([2]);
  const nd = mx.nd as unknown as Record<string, (...a: unknown[]) => unknown>;
  expectMx(() => nd.relu([1, 2]), 'array', /^Error in operator relu: argument 0 must be an NDArray.*got an array of values \(make one with mx\.nd\.array/);
  expectMx(() => nd.relu(new Float32Array(2)), 'typed array', /argument 0 .*got a Float32Array/);
  expectMx(() => nd.elemwise_add(x, null), 'null', /Error in operator elemwise_add: argument 1 .*got null/);
  expectMx(() => nd.elemwise_add(x, 'a'), 'string', /argument 1 .*got string a/);
  expectMx(() => nd.relu(x, 2), 'number', /argument 1 .*got number 2 \(scalars go in the attribute object/);
  const sym = mx.sym as unknown as Record<string, (...a: unknown[]) => unknown>;
  expectMx(() => sym.relu([1, 2]), 'sym array', /^Error in operator relu: argument 0 must be a Symbol, a list of Symbols or the attribute object, got an array of values$/);
  // What was right stays right: lists of inputs, inputs by name, the attribute object.
  assert.equal((mx.nd.Concat([x, x], { dim: 0 }) as mx.NDArray).shape, [4]);
  assert.equal((nd.relu({ data: x }) as mx.NDArray).toArray(), [1, 1]);
  x.dispose();
});

test('an unknown optimizer option is an ArgumentError (MXNet refuses the keyword; it trained at the default rate)', () => {
  expectMx(() => mx.optimizer.create('sgd', { learningrate: 0.1 }), 'typo', /^optimizer sgd: unknown option 'learningrate' \(did you mean 'learningRate'\?\)$/);
  expectMx(() => mx.optimizer.create('adam', { momentum: 0.9 }), 'not adam\'s', /optimizer adam: unknown option 'momentum'/);
  // Every option of MXNet's signatures, snake_case or camelCase, and the base class's.
  const ok: [string, Record<string, unknown>][] = [['sgd', { learning_rate: 0.1, momentum: 0.9, wd: 1e-4, rescale_grad: 0.5, clip_gradient: 1, lazy_update: false, begin_num_update: 2, multi_precision: false }],
    ['adam', { beta1: 0.9, beta_2: 0.99, epsilon: 1e-8 }], ['rmsprop', { gamma1: 0.9, gamma2: 0.9, centered: true, clip_weights: 1 }], ['nag', { momentum: 0.9 }],
    ['ftml', { beta1: 0.6 }], ['signum', { momentum: 0.9, wd_lh: 0.1 }], ['ftrl', { lamda1: 0.1, beta: 1 }], ['adadelta', { rho: 0.9, epsilon: 1e-5 }],
    ['adagrad', { eps: 1e-7 }], ['nadam', { schedule_decay: 0.004 }], ['adamw', { eta: 1, correct_bias: true }], ['adamax', { beta1: 0.9 }], ['sgd', { lrScheduler: new mx.lrScheduler.FactorScheduler({ step: 2 }) }]];
  for (const [n, o] of ok) assert.ok(mx.optimizer.create(n, o) instanceof mx.optimizer.Optimizer, n);
  // A class a user registers keeps options as it likes: not checked.
  class Mine extends mx.optimizer.SGD { constructor(o: Record<string, unknown> = {}) { super(o); } }
  mx.optimizer.register('mine16h', Mine);
  assert.ok(mx.optimizer.create('mine16h', { myOption: 1 }) instanceof Mine);
});

test('a damaged model file read from a path is named in the error (symbol JSON, params; sym.load, loadCheckpoint, Predictor)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mx-first-hour-'));
  try {
    const prefix = join(dir, 'm');
    writeFileSync(`${prefix}-symbol.json`, '{"nodes": [');
    writeFileSync(`${prefix}-0001.params`, new Uint8Array(40).fill(7));
    const sym = `${prefix}-symbol.json`, params = `${prefix}-0001.params`;
    const at = (p: string) => new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `);
    expectMx(() => mx.sym.load(sym), 'sym.load', at(sym));
    expectMx(() => mx.model.loadCheckpoint(prefix, 1), 'loadCheckpoint symbol', at(sym));
    expectMx(() => mx.Predictor.fromCheckpoint(prefix, 1, { data: [1, 2] }), 'Predictor symbol', at(sym));
    mx.sym.FullyConnected({ data: mx.sym.Variable('data'), num_hidden: 2, name: 'fc' }).save(sym);
    expectMx(() => mx.model.loadCheckpoint(prefix, 1), 'loadCheckpoint params', at(params));
    expectMx(() => mx.Predictor.load({ symbol: sym, params, inputShapes: { data: [1, 2] } }), 'Predictor params', at(params));
    expectMx(() => mx.nd.load(params), 'nd.load (named before)', at(params));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('mx.nd.array of the wrong thing or size is an MxError and leaves no array behind; fit without a DataIter names it', () => {
  const before = mx.memory().numArrays;
  expectMx(() => mx.nd.array([1, 2, 3], { shape: [2, 2] }), 'shape', /^array: 3 values do not fill shape \(2,2\)$/);
  expectMx(() => mx.nd.array(new Float32Array(3), { shape: [2, 2] }), 'typed', /3 values do not fill shape \(2,2\)/);
  expectMx(() => mx.nd.array('abc' as never), 'string', /^array: expected a number, an array or a typed array, got string$/);
  expectMx(() => mx.nd.array([1, 'x', 3] as never), 'non-numeric', /non-numeric value x/);
  expectMx(() => mx.nd.array([[1, 2], [3]]), 'ragged', /ragged/);
  assert.is(mx.memory().numArrays, before, 'no array left alive by a refused input');
  assert.equal(mx.nd.array([1, 2, 3, 4], { shape: [2, 2] }).toArray(), [[1, 2], [3, 4]]);
  const net = mx.sym.SoftmaxOutput({ data: mx.sym.FullyConnected({ data: mx.sym.Variable('data'), num_hidden: 2 }), name: 'softmax' });
  const mod = new mx.mod.Module({ symbol: net });
  expectMx(() => mod.fit(undefined as never, { numEpoch: 1 }), 'no data', /^fit: trainData must be a DataIter.*got undefined$/);
  expectMx(() => mod.fit(mx.nd.ones([2, 2]) as never, { numEpoch: 1 }), 'an NDArray', /got an NDArray$/);
});

test('an op out of memory names the op and frees the outputs it had made (output or workspace too large)', () => {
  const x = mx.nd.ones([1, 1, 1100, 1100]), w = mx.nd.ones([1, 1, 31, 31]), one = mx.nd.ones([1]);
  const before = mx.memory();
  expectMx(() => mx.nd.broadcast_to(one, { shape: [2 ** 29] }), 'output', /^Error in operator broadcast_to: out of memory: asked for 2147483648 bytes/);
  // The 4.6 MB output fits; the 4.4 GB im2col workspace does not.
  expectMx(() => mx.nd.Convolution(x, w, { kernel: [31, 31], num_filter: 1, no_bias: true }), 'workspace', /^Error in operator Convolution: out of memory/);
  assert.equal([mx.memory().numArrays, mx.memory().numBytes], [before.numArrays, before.numBytes], 'nothing left behind');
  x.dispose(); w.dispose(); one.dispose();
  const fc = mx.sym.FullyConnected({ data: mx.sym.Variable('data'), num_hidden: 2 ** 20, name: 'fc1' });
  expectMx(() => fc.simpleBind({ shapes: { data: [1024, 1024] } }), 'simpleBind', /^simpleBind: 'fc1_weight' \(1048576,1024\): out of memory/);
  assert.is(mx.memory().numArrays, before.numArrays - 3);
});

test('disposing twice is allowed (arrays, executors, predictors); a use after is an ArgumentError', () => {
  const a = mx.nd.ones([3]);
  a.dispose(); a.dispose();
  expectMx(() => a.toArray(), 'array', /disposed NDArray/);
  const exe = mx.sym.relu(mx.sym.Variable('x')).simpleBind({ shapes: { x: [2] } });
  exe.dispose(); exe.dispose();
  expectMx(() => exe.forward(), 'executor', /disposed Executor/);
});

test.run();
