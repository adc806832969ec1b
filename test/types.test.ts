// Typed ops, as a TypeScript user meets them: an app (ESM and CommonJS, strict) compiled against the built
// declarations of this package (dist/types, dist/types-cjs) by its exports. Misspelt ops and attributes
// and wrong attribute types must fail to compile (each marked @ts-expect-error: an unused one is an error).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
// @ts-ignore: plain JS module
import { generate, OUT } from '../scripts/gen-op-types.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));

test('src/api/op-types.ts is what the registry generates (run npm run build after changing an op)', async () => {
  assert.ok((await generate()) === readFileSync(OUT, 'utf8'), 'src/api/op-types.ts is stale: node --import tsx scripts/gen-op-types.mjs');
});

const BODY = `
const x = mx.nd.ones([1, 1, 8, 8]);
const y: mx.NDArray = mx.nd.Convolution(x, { kernel: [3, 3], num_filter: 2, no_bias: true });
mx.nd.FullyConnected({ data: y, num_hidden: 10, no_bias: true });
mx.nd.Activation(y, { act_type: 'relu' });
mx.nd.relu(y);
const data = mx.sym.Variable('data');
mx.sym.SoftmaxOutput({ data: mx.sym.FullyConnected({ data, num_hidden: 10, name: 'fc1', lr_mult: 2 }), name: 'softmax' });
// @ts-expect-error: no such op
mx.nd.Convoluton(x, { kernel: [3, 3], num_filter: 2 });
// @ts-expect-error: misspelt attribute
mx.sym.FullyConnected({ data, num_hiden: 10 });
// @ts-expect-error: wrong attribute type
mx.nd.Activation(y, { act_type: 42 });
// @ts-expect-error: act_type is not one of MXNet's values
mx.sym.Activation({ data, act_type: 'relux' });
// @ts-expect-error: a required attribute (num_filter) is missing
mx.nd.Convolution(x, { kernel: [3, 3] });
mx.shutdown();
`;

test('a strict TypeScript app, ESM and CommonJS: typed ops compile, mistakes do not', () => {
  const dir = join(root, '.tmp', `types-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, 'esm.mts'), `import * as mx from 'mxwasm';\n${BODY}`);
    writeFileSync(join(dir, 'cjs.cts'), `import mx = require('mxwasm');\n${BODY}`);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] }, files: ['esm.mts', 'cjs.cts'] }));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (e: any) { assert.unreachable(`tsc:\n${e.stdout}${e.stderr}`); }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
