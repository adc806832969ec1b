// The package carries the library once per format: Node's CommonJS bundle (dist/node/mxwasm.cjs, for import,
// require, the CLI and the data-parallel workers), the ES module the browser, its worker and the edge entry share
// (dist/browser/mxwasm.js), and the single-file build (index.inline.js, kernels embedded: one file by design).
// The worker scripts load the entry's bundle, so data-parallel training runs on it: checked here from `import`,
// `require` and `node --input-type=module -e`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** A string of the library's runtime (src/runtime/runtime.ts) that any copy of the library holds. */
const MARK = 'mxwasm is not initialised';

test('npm pack: the library code is in three files, one per format, and every worker script is a few lines', () => {
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
  // (test-internals.js is a test's own build, made by test/browser/pool-death.test.ts; the build deletes it before packing.)
  const js = pack.files.map((f: { path: string }) => f.path).filter((p: string) => /^dist\/.*\.(c?js)$/.test(p) && !p.endsWith('test-internals.js'));
  // (mxwasm.cjs has lines of ~240 characters: esbuild cuts a long string with a line continuation.)
  const copies = js.filter((p: string) => readFileSync(join(root, p), 'latin1').replace(/\\\n/g, '').includes(MARK)).sort();
  assert.equal(copies, ['dist/browser/index.inline.js', 'dist/browser/mxwasm.js', 'dist/node/mxwasm.cjs']);
  for (const f of ['dist/node/dp-worker.js', 'dist/browser/dp-worker.js', 'dist/browser/index.js', 'dist/edge/index.js']) {
    assert.ok(js.includes(f), `${f} is packed`);
    assert.ok(readFileSync(join(root, f), 'utf8').length < 2000, `${f} is an entry of a few lines, not a bundle`);
  }
  assert.match(readFileSync(join(root, 'dist/node/dp-worker.js'), 'utf8'), /\('\.\/index\.cjs'\)/);
  assert.match(readFileSync(join(root, 'dist/edge/index.js'), 'utf8'), /from\s*"\.\.\/browser\/mxwasm\.js"/);
  assert.match(readFileSync(join(root, 'dist/browser/dp-worker.js'), 'utf8'), /from\s*"\.\/mxwasm\.js"/);
});

/**
 * Two executors in worker threads (dist/node/dp-worker.js) against one: the same weights after 3 steps. A LeNet-sized
 * convolution, so that kernels are big enough for threads: an executor worker must not start kernel threads of its
 * own (their scratch would come out of its reserved region: "out of memory" at bind, the README example's failure).
 */
const PROBE = `
const train = (context) => {
  const data = mx.sym.Variable('data');
  let x = mx.sym.Convolution({ data, kernel: [5, 5], num_filter: 20, name: 'conv1' });
  x = mx.sym.FullyConnected({ data: mx.sym.Activation({ data: x, act_type: 'tanh' }), num_hidden: 4, name: 'fc2' });
  const mod = new mx.mod.Module({ symbol: mx.sym.SoftmaxOutput({ data: x, name: 'softmax' }), context });
  mod.bind({ dataShapes: [['data', [64, 1, 28, 28]]], labelShapes: [['softmax_label', [64]]] });
  mx.random.seed(11);
  mod.initParams({ initializer: new mx.init.Xavier() });
  mod.initOptimizer({ optimizer: 'sgd', optimizerParams: { learning_rate: 0.1, momentum: 0.9, rescale_grad: 1 / 64 } });
  for (let s = 0; s < 3; s++) {
    const d = Float32Array.from({ length: 64 * 784 }, (_, i) => Math.sin(i * 0.37 + s));
    const l = Float32Array.from({ length: 64 }, (_, i) => (i + s) % 4);
    mod.forwardBackward(new mx.io.DataBatch({ data: [mx.nd.array(d, { shape: [64, 1, 28, 28] })], label: [mx.nd.array(l)] }));
    mod.update();
  }
  const w = Array.from(mod.getParams()[0].conv1_weight.data);
  const dp = !!mod.dp;
  mod.dispose();
  return { w, dp };
};
const one = train(undefined), two = train([mx.cpu(0), mx.cpu(1)]);
console.log(JSON.stringify({ dp: two.dp, maxDiff: Math.max(...one.w.map((v, i) => Math.abs(v - two.w[i]))) }));
mx.shutdown();
`;

for (const [how, args] of [
  ['import', ['--input-type=module', '-e', `import * as mx from 'mxwasm';\n${PROBE}`]],
  ['require', ['--input-type=commonjs', '-e', `const mx = require('mxwasm');\n${PROBE}`]],
] as const) {
  test(`data-parallel workers run the entry's bundle (${how}, node ${args[0]} -e)`, () => {
    // (2 kernel threads on the main thread: the executor workers must still run theirs on one.)
    const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '2' } });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    assert.ok(r.dp, 'two executors ran in worker threads');
    assert.ok(r.maxDiff < 1e-5, `same weights as one executor (max diff ${r.maxDiff})`);
  });
}

test.run();
