import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { kernelIndexOf, kernels } from '../src/runtime/manifest.js';
import { SPLITS } from '../src/parallel/splits.js';
import { CONV_SPLITS } from '../src/ops/conv/splits.js';
import { VOL_SPLITS } from '../src/ops/conv/vol-splits.js';

const FILES = ['kernels.wasm', 'kernels.noshared.wasm', 'kernels.relaxed.wasm'];
const bytesOf = (f: string) => new Uint8Array(readFileSync(new URL(`../dist/${f}`, import.meta.url)));

/** Reads the import and export sections by hand: Node 20 cannot compile the relaxed add-on, but we can still check it. */
function sections(b: Uint8Array): { exports: { name: string; kind: number }[]; imports: string[] } {
  let p = 8;
  const leb = () => { let r = 0, s = 0, x; do { x = b[p++]; r |= (x & 0x7f) << s; s += 7; } while (x & 0x80); return r >>> 0; };
  const str = () => { const n = leb(); const s = new TextDecoder().decode(b.subarray(p, p + n)); p += n; return s; };
  const exports: { name: string; kind: number }[] = [], imports: string[] = [];
  while (p < b.length) {
    const id = b[p++], size = leb(), end = p + size;
    if (id === 7) { for (let n = leb(); n > 0; n--) { const name = str(); const kind = b[p++]; leb(); exports.push({ name, kind }); } }
    if (id === 2) { for (let n = leb(); n > 0; n--) { imports.push(`${str()}.${str()}`); p = end; break; } }
    p = end;
  }
  return { exports, imports };
}

const fnExports = (f: string) => sections(bytesOf(f)).exports.filter((e) => e.kind === 0).map((e) => e.name).sort();
const listed = (relaxed: boolean) => kernels().filter((k) => k.needs.includes('relaxed') === relaxed).map((k) => k.name).sort();

for (const file of ['kernels.wasm', 'kernels.noshared.wasm']) {
  test(`manifest matches the exports of ${file}`, () => {
    assert.equal(listed(false), fnExports(file));
    assert.equal(sections(bytesOf(file)).imports, ['env.memory'], 'only env.memory is imported');
  });
}

test('the relaxed add-on exports exactly the relaxed kernels of the manifest', () => {
  assert.equal(listed(true), fnExports('kernels.relaxed.wasm'));
  assert.equal(sections(bytesOf('kernels.relaxed.wasm')).imports, ['env.memory']);
});

test('the shared and plain builds compile here; the parser agrees with the engine', () => {
  for (const f of ['kernels.wasm', 'kernels.noshared.wasm']) {
    const mod = new WebAssembly.Module(new Uint8Array(bytesOf(f)));
    assert.equal(WebAssembly.Module.exports(mod).filter((e) => e.kind === 'function').map((e) => e.name).sort(), fnExports(f));
  }
});

// SPLITS is collected at import from the families' split tables, the manifest lines (built on first use) carry the same
// objects: every split names a kernel, and a line's split is the one the thread pool uses.
test('SPLITS: every key a manifest kernel; each line with a split has that split; the rest are conv, 3-D and GEMM', () => {
  const names = new Set(kernels().map((k) => k.name));
  assert.equal(Object.keys(SPLITS).filter((n) => !names.has(n)), []);
  for (const k of kernels()) if (k.split) assert.ok(SPLITS[k.name] === k.split, k.name);
  const others = Object.keys(SPLITS).filter((n) => !kernels().find((k) => k.name === n)!.split).sort();
  assert.equal(others, [...Object.keys(CONV_SPLITS), ...Object.keys(VOL_SPLITS), 'f32_gemm__simd128', 'f32_gemm__relaxedsimd'].sort());
  assert.ok(kernels().filter((k) => k.split).length > 80, 'the families declare their splits');
  kernels().forEach((k, i) => assert.is(kernelIndexOf(k.name), i));
  assert.is(kernelIndexOf('nope'), -1);
});

// 100 KB until the RNN cell / sequence kernels (f32-rnn.ts, x32-seq.ts, ~7 KB) landed; 110 KB until the seventh
// session (111.9 KB used: room for the network, LSTM and integer ONNX kernels); 120 KB until the eighth (118.9 KB
// used; +4.2 KB: the GEMM's narrow-panel tiles and the depthwise kernel's whole-row SIMD, MobileNetV2 b8 -25% CPU).
// Every byte is compile time in workerd.
test('each kernel module variant is under 124 KB', () => {
  for (const f of FILES) assert.ok(bytesOf(f).length < 124 * 1024, `${f}: ${bytesOf(f).length} bytes`);
});

test.run();
