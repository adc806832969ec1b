// Bundlers (Vite, webpack 5, Parcel, Rollup's URL plugins) copy a file an ES module names as
// `new URL('<literal>', import.meta.url)`: the browser bundle must locate its kernels and its worker in exactly
// that form, with the named files where the package ships them. (The pages tests load them that way in Chromium.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bundle = join(root, 'dist/browser/index.js');

test('dist/browser/index.js names kernels.wasm and dp-worker.js as new URL(literal, import.meta.url)', () => {
  const code = readFileSync(bundle, 'utf8');
  const urls = [...code.matchAll(/new URL\((["'])([^"']+)\1,\s*import\.meta\.url\)/g)].map((m) => m[2]);
  for (const want of ['../kernels.wasm', '../kernels.noshared.wasm', '../kernels.relaxed.wasm', './dp-worker.js']) assert.ok(urls.includes(want), `${want} in ${urls}`);
  for (const u of urls) assert.ok(existsSync(join(dirname(bundle), u)), `${u} exists beside the bundle`);
  // and every shipped path is inside the package's "files"
  const files: string[] = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).files;
  for (const u of urls) assert.ok(files.some((f) => join('dist/browser', u).startsWith(f)), u);
  // The worker in the form bundlers bundle (with the library chunk it imports), not copy as a plain file.
  assert.match(code, /new Worker\(new URL\("\.\/dp-worker\.js",\s*import\.meta\.url\),\s*\{\s*type:\s*"module"\s*\}\)/);
});

test('the source uses the same pattern (so bundling the TypeScript entry keeps it)', () => {
  const src = readFileSync(join(root, 'src/entry/browser.ts'), 'utf8');
  assert.match(src, /new URL\('\.\.\/kernels\.wasm', import\.meta\.url\)/);
});

test.run();
