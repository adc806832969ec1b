// Lazy namespaces (src/util/lazy.ts, scripts/lazy.mjs): in the built bundles, the subsystems a cold start does not
// touch (ONNX, Gluon, Module, the CLI, the zip codec, ...) are evaluated on first use, and then behave as the
// plain namespaces the sources export. Runs the built package (dist/) in child processes, ESM and CommonJS faces.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { callThrough, lazyClass, lazyNamespace } from '../../src/util/lazy.js';
// Through the library's entry (importing a subsystem first would evaluate modules in another order than the suite).
import * as mxSrc from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, '.tmp', `lazy-${process.pid}`);
const LAZY = ['mod', 'gluon', 'viz', 'onnx', 'models', 'probe', 'benchmark', 'cli', 'kvDist', 'metric', 'io', 'kv', 'callback',
  'optimizer', 'lrScheduler', 'init', 'rnn', 'autograd'];
/** Lazy namespaces whose keys the test compares with the sources'. */
const KEYED = ['onnx', 'gluon', 'optimizer', 'lrScheduler', 'init', 'rnn', 'autograd'];
/** Op families (src/ops/index.ts): each loaded with its first op. */
const FAMILIES = ['elementwise', 'tensor', 'linalg', 'conv', 'nn', 'seq'];
const notFamilies = (xs: unknown) => (xs as string[]).filter((x) => !FAMILIES.includes(x));

function run(file: string, body: string): Record<string, unknown> {
  writeFileSync(join(dir, file), body);
  const out = execFileSync(process.execPath, [join(dir, file)], { encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '1' } });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const PROBE = `
const loaded = () => [...globalThis[Symbol.for('mxwasm.lazyLoaded')]];
const a = mx.nd.array([1, 2, 3, 4]);
// The Node bundle's second file (mxwasm-lazy.cjs, scripts/split.mjs) is loaded by the loader on first use only.
const lazyFile = () => globalThis[Symbol.for('mxwasm.codeCacheLazy')] !== undefined;
const out = { sum: mx.nd.elemwise_add(a, a).toArray(), afterOp: loaded(), lazyFileAfterOp: lazyFile() };
// What lazy namespaces' users need is there at import: NDArray's autograd methods (which load mx.autograd),
// doCheckpoint's writer.
const v = mx.nd.array([1, 2, 3]); out.gradBefore = v.grad === undefined; out.detached = v.detach().toArray();
out.afterGradGetter = loaded(); v.attachGrad();
mx.autograd.record(() => v.mul(v)).backward();
out.grad = v.grad.toArray();
out.hook = typeof mx.callback.checkpointHook.save;
out.afterAutograd = loaded();
out.types = Object.fromEntries(${JSON.stringify(LAZY)}.map((k) => [k, typeof mx[k]]));
out.afterTypeof = loaded();
out.keys = Object.fromEntries(${JSON.stringify(KEYED)}.map((k) => [k, Object.keys(mx[k]).sort()]));
out.mxKeys = Object.keys(mx);
// The moved namespaces at work: an optimizer through a KVStore (its updater is lazy), a schedule, an initializer, an RNN cell.
const kvs = mx.kv.create('local'), w = mx.nd.array([1, 2]);
kvs.setOptimizer(mx.optimizer.create('sgd', { learningRate: 0.5, lrScheduler: new mx.lrScheduler.FactorScheduler({ step: 10, factor: 0.5 }) }));
kvs.init(0, w); kvs.push(0, mx.nd.array([1, 1])); kvs.pull(0, w);
out.sgd = w.toArray();
const u = mx.nd.zeros([2, 2]); new mx.init.Constant(3).call('fc_weight', u); out.init = u.toArray();
out.rnn = new mx.rnn.LSTMCell(4, { prefix: 'l_' }).stateInfo.length;
out.dense = new mx.gluon.nn.Dense(3).constructor.name;
out.isModule = mx.mod.Module.name;
out.hasIn = 'importModel' in mx.onnx && !('nope' in mx.onnx);
out.tag = Object.prototype.toString.call(mx.models);
try { mx.onnx.importModel = null; out.write = 'allowed'; } catch (e) { out.write = e.constructor.name; }
// An ONNX model through the Predictor (its importer is lazy too), a .npz through the zip codec (fflate, lazy).
const x = mx.sym.Variable('x');
const onnx = mx.onnx.exportModel(mx.sym.relu(x), {}, { x: [1, 4] });
const pred = mx.Predictor.fromOnnx(onnx, { x: [1, 4] });
out.predicted = Array.from(pred.forward(new Float32Array([-1, 2, -3, 4]))[0].data);
out.predictor = [pred instanceof mx.Predictor, mx.Predictor.name, Object.getOwnPropertyNames(mx.Predictor).sort(), Object.keys(mx.model)];
// JavaScript can reach the private constructor: an ArgumentError naming the API; instances' constructor is mx.Predictor.
try { new mx.Predictor({ symbol: 'm.json' }); out.ctor = 'none'; } catch (e) { out.ctor = [e.name, /Predictor\.load/.test(e.message)]; }
out.sameCtor = [pred.constructor === mx.Predictor, mx.Predictor.prototype.constructor === mx.Predictor];
const npz = mx.nd.saveNumpy(null, { w: mx.nd.array([5, 6]), v: mx.nd.array([7]) });
const back = mx.nd.load(npz);
out.npz = [back.w.toArray(), back.v.toArray()];
// One instance of each module across the two files: an error the lazy ONNX parser throws is the core's class.
try { mx.onnx.importModel(new Uint8Array([8, 7, 18, 3])); out.err = 'none'; } catch (e) { out.err = [e instanceof mx.MxError, e instanceof mx.FormatError, e.constructor === mx.FormatError]; }
out.conv = mx.nd.Convolution(mx.nd.ones([1, 1, 3, 3]), mx.nd.ones([1, 1, 3, 3]), { kernel: [3, 3], num_filter: 1, no_bias: true }) instanceof mx.NDArray;
out.lazyFileEnd = lazyFile();
out.end = loaded().sort();
console.log(JSON.stringify(out));
mx.shutdown();
`;

test.before(() => { rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true }); });
test.after(() => rmSync(dir, { recursive: true, force: true }));

for (const face of ['import', 'require'] as const) {
  test(`${face}: an import and a first op load no lazy namespace but the op's family; each then works as the sources' namespace`, () => {
    const head = face === 'import' ? `import * as mx from ${JSON.stringify(join(root, 'dist/node/index.js'))};`
      : `const mx = require(${JSON.stringify(join(root, 'dist/node/index.cjs'))});`;
    const r = run(face === 'import' ? 'probe.mjs' : 'probe.cjs', head + PROBE);
    assert.equal(r.sum, [2, 4, 6, 8]);
    assert.equal(r.afterOp, ['elementwise'], 'nothing lazy evaluated by the import and one op but its family');
    if (face === 'import') {
      assert.is(r.lazyFileAfterOp, false, 'mxwasm-lazy.cjs not read by an import and one elementwise op');
      assert.is(r.lazyFileEnd, true, 'mxwasm-lazy.cjs read on first use');
    }
    assert.equal(r.err, [true, true, true], 'the lazy file throws the core\'s error classes');
    assert.ok(r.conv, 'a lazy op family returns the core\'s NDArray');
    assert.equal(r.grad, [2, 4, 6]);
    assert.is(r.hook, 'function');
    assert.ok(r.gradBefore);
    assert.equal(r.detached, [1, 2, 3]);
    assert.equal(notFamilies(r.afterGradGetter), ['autograd'], 'an NDArray\'s autograd method loads mx.autograd');
    assert.equal(notFamilies(r.afterAutograd), ['autograd', 'callback'], 'reading mx.callback loads it (and finds the checkpoint writer)');
    assert.equal(notFamilies(r.afterTypeof), ['autograd', 'callback'], 'reading mx.onnx itself does not load it');
    assert.equal(Object.values(r.types as object), LAZY.map(() => 'object'));
    for (const k of KEYED) assert.equal((r.keys as Record<string, string[]>)[k], Object.keys((mxSrc as Record<string, object>)[k]).sort(), k);
    assert.equal((r.mxKeys as string[]).filter((k) => !['cli', 'kvDist', '__dpWorker'].includes(k)).sort(), Object.keys(mxSrc).sort(), 'mx\'s keys as the sources\' (and the Node entry\'s three)');
    assert.equal(r.sgd, [0.5, 1.5]);
    assert.equal(r.init, [[3, 3], [3, 3]]);
    assert.is(r.rnn, 2);
    assert.is(r.dense, 'Dense');
    assert.is(r.isModule, 'Module');
    assert.ok(r.hasIn);
    assert.is(r.tag, '[object Module]');
    assert.is(r.write, 'TypeError', 'read-only, as a module namespace');
    assert.equal(r.predicted, [0, 2, 0, 4]);
    assert.equal(r.predictor, [true, 'Predictor', Object.getOwnPropertyNames(mxSrc.Predictor).sort(), Object.keys(mxSrc.model)], 'mx.Predictor and mx.model (lazy) as the sources\'');
    assert.equal(r.ctor, ['ArgumentError', true], 'new mx.Predictor(...) from JavaScript');
    assert.equal(r.sameCtor, [true, true], 'p.constructor === mx.Predictor');
    assert.equal(r.npz, [[5, 6], [7]]);
    for (const k of ['onnx', 'gluon', 'mod', 'fflate', 'onnxImport']) assert.ok((r.end as string[]).includes(k), `${k} loaded on use`);
  });
}

test('lazyNamespace: loads once on first use, forwards reads, keys, `in` and descriptors, refuses writes', () => {
  let loads = 0;
  const ns = lazyNamespace('t', () => { loads++; return { a: 1, f: (x: number) => x + 1 }; });
  assert.is(loads, 0);
  assert.is(ns.f(ns.a), 2);
  assert.equal(Object.keys(ns), ['a', 'f']);
  assert.ok('a' in ns);
  assert.is(Object.getOwnPropertyDescriptor(ns, 'a')!.value, 1);
  assert.equal({ ...ns }.a, 1);
  assert.throws(() => { (ns as { a: number }).a = 2; }, TypeError);
  assert.throws(() => { delete (ns as { a?: number }).a; }, TypeError);
  assert.is(loads, 1);
});

test('lazyClass / callThrough: load on first use; new, statics, instanceof, subclasses and names as the real ones', () => {
  let loads = 0;
  class Real { static make(): Real { return new this(); } v = 1; }
  const C = lazyClass(() => { loads++; return Real; });
  const ns = lazyNamespace('u', () => { loads++; return { f(x: number) { return x * 2; } }; });
  const { f } = callThrough(ns, 'f');
  assert.is(loads, 0);
  assert.is(f.name, 'f');
  assert.is(f(3), 6);
  const a = new C(), b = C.make();
  class Sub extends C {}
  assert.ok(a instanceof C && a instanceof Real && b instanceof Real && new Sub() instanceof C);
  assert.is(Object.getPrototypeOf(a), Real.prototype);
  assert.is(C.name, 'Real');
  assert.equal(Object.getOwnPropertyNames(C).sort(), Object.getOwnPropertyNames(Real).sort());
  // One constructor: an instance's, the prototype's and the export agree; writes and the prototype chain reach the class.
  assert.ok(a.constructor === C && b.constructor === C && C.prototype.constructor === C && new Sub().constructor === Sub);
  (C as unknown as { tag: number }).tag = 5;
  assert.is((Real as unknown as { tag: number }).tag, 5);
  assert.ok(delete (C as unknown as { tag?: number }).tag && !('tag' in Real));
  assert.is(Object.getPrototypeOf(C), Object.getPrototypeOf(Real));
  assert.is(loads, 2);
});

test('a lazy part that fails to load (a missing or damaged mxwasm-lazy.cjs) is an MxError naming it; its MxErrors pass as they are', () => {
  const cause = new Error("ENOENT: no such file or directory, open 'dist/node/mxwasm-lazy.cjs'");
  const ns = lazyNamespace('onnx', (): { f: number } => { throw cause; });
  const e = (() => { try { return ns.f; } catch (x) { return x; } })() as mxSrc.MxError & { cause: unknown };
  assert.ok(e instanceof mxSrc.MxError, String(e));
  assert.match(e.message, /could not load its part 'onnx'.*ENOENT.*reinstall/);
  assert.is(e.cause, cause);
  assert.equal(e.where, { part: 'onnx' });
  const own = new mxSrc.FormatError('bad');
  assert.throws(() => lazyNamespace('x', (): { f: number } => { throw own; }).f, (x: unknown) => x === own);
  const C = lazyClass((): { new(): object } => { throw cause; });
  assert.throws(() => new C(), (x: unknown) => x === cause, 'a lazyClass loader rethrows what its namespace threw');
});

test.run();
