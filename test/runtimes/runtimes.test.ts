import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { skip } from '../skip.js';
// @ts-ignore: plain JS module
import { VERSIONS, check, findRuntime, prepare } from '../../scripts/runtimes.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const names = Object.keys(VERSIONS).filter((n) => findRuntime(n));
if (names.length < Object.keys(VERSIONS).length) {
  console.log(`  (runtime tests: ${Object.keys(VERSIONS).filter((n) => !names.includes(n)).join(', ')} not installed; \`node scripts/runtimes.mjs --install\` fetches them)`);
}
let expected: number[] | undefined;

test.before(async () => {
  if (!names.length) return;
  const { bundle } = await import(new URL('../../scripts/bundle.mjs', import.meta.url).href);
  await bundle(root);
  expected = (await prepare()).expected;
});

for (const name of Object.keys(VERSIONS)) {
  test(`runtime ${name}: LeNet inference from a checkpoint and from its .onnx export gives Node's output`, async () => {
    if (!names.includes(name)) return skip(`${name} not installed (node scripts/runtimes.mjs --install)`);
    const r = await check(name, expected!);
    assert.ok(r.ok, JSON.stringify(r));
    if (name === 'workerd') assert.is(r.variant, 'noshared', 'Cloudflare Workers: plain memory, one thread');
  });
}

test('runtime deno: the node export (what npm:mxwasm resolves to) runs kernel threads and exits without mx.shutdown()', () => {
  if (!names.includes('deno')) return skip('deno not installed (node scripts/runtimes.mjs --install)');
  const dir = `${root}.tmp/runtime-work`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/deno-threads.mjs`;
  writeFileSync(file, `import * as mx from ${JSON.stringify(`${root}dist/node/index.js`)};
mx.setNumThreads(2); await mx.threadsReady();
const a = mx.nd.ones([256, 256]);
console.log(JSON.stringify({ v: mx.nd.dot(a, a).data[0], threads: mx.runtimeInfo().threads }));
`);
  // A worker that kept the process alive would hit the timeout (status null).
  const r = spawnSync(findRuntime('deno'), ['run', '-A', file], { encoding: 'utf8', timeout: 30_000 });
  assert.is(r.status, 0, `deno exited with ${r.status} ${r.signal ?? ''}: ${r.stderr.slice(-400)}`);
  assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!), { v: 256, threads: 2 });
});

test.run();
