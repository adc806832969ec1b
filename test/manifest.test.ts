import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { KERNELS } from '../src/runtime/manifest.js';

for (const file of ['kernels.wasm', 'kernels.noshared.wasm', 'kernels.relaxed.wasm']) {
  test(`manifest matches the exports of ${file}`, () => {
    const mod = new WebAssembly.Module(readFileSync(new URL(`../dist/${file}`, import.meta.url)));
    const exported = WebAssembly.Module.exports(mod).filter((e) => e.kind === 'function').map((e) => e.name).sort();
    const listed = KERNELS.map((k) => k.name).sort();
    assert.equal(listed, exported);
    const imports = WebAssembly.Module.imports(mod);
    assert.equal(imports.map((i) => `${i.module}.${i.name}`), ['env.memory'], 'only env.memory is imported');
  });
}

test('kernel module (all variants) is under 100 KB', () => {
  let total = 0;
  for (const f of ['kernels.wasm', 'kernels.noshared.wasm', 'kernels.relaxed.wasm']) total += readFileSync(new URL(`../dist/${f}`, import.meta.url)).length;
  assert.ok(total < 100 * 1024, `total ${total} bytes`);
});

test.run();
