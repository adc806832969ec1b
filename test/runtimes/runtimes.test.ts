import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
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
  test(`runtime ${name}: LeNet inference from a checkpoint gives Node's output`, async () => {
    if (!names.includes(name)) return;
    const r = await check(name, expected!);
    assert.ok(r.ok, JSON.stringify(r));
    if (name === 'workerd') assert.is(r.variant, 'noshared', 'Cloudflare Workers: plain memory, one thread');
  });
}

test.run();
