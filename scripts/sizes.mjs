// Prints the shipping sizes (raw, gzip -9, brotli -11) of the bundles and kernel builds in dist/.
import { readFileSync, existsSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const size = (files) => {
  const bufs = files.map((f) => readFileSync(join(dist, f)));
  const sum = (f) => bufs.reduce((s, b) => s + f(b), 0);
  return { raw: sum((b) => b.length), gzip: sum((b) => gzipSync(b, { level: 9 }).length), brotli: sum((b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length) };
};
const rows = [
  // The browser and edge entries share the library chunk (browser/mxwasm.js): each row counts what a deployment loads.
  ['browser ESM (dist/browser/index.js + mxwasm.js)', ['browser/index.js', 'browser/mxwasm.js']],
  ['kernels, SIMD + threads (kernels.wasm)', ['kernels.wasm']],
  ['kernels, plain memory (kernels.noshared.wasm)', ['kernels.noshared.wasm']],
  ['kernels, relaxed-SIMD add-on (kernels.relaxed.wasm)', ['kernels.relaxed.wasm']],
  ['single file, wasm inlined (browser/index.inline.js)', ['browser/index.inline.js']],
  ['edge entry (edge/index.js + browser/mxwasm.js)', ['edge/index.js', 'browser/mxwasm.js']],
  ['DEPLOY browser, plain SIMD: JS + kernels.wasm', ['browser/index.js', 'browser/mxwasm.js', 'kernels.wasm']],
  ['DEPLOY browser, relaxed SIMD: JS + kernels.wasm + add-on', ['browser/index.js', 'browser/mxwasm.js', 'kernels.wasm', 'kernels.relaxed.wasm']],
].filter(([, f]) => f.every((x) => existsSync(join(dist, x))));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('| item | raw | gzip -9 | brotli -11 |\n|---|---:|---:|---:|');
for (const [name, files] of rows) { const s = size(files); console.log(`| ${name} | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`); }
