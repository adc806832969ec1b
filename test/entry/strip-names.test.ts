// scripts/strip-names.mjs: the Node bundle drops keepNames' `__name` calls where JavaScript gives the same name
// anyway (a cold-start saving: BENCHMARKS.md). Checked on snippets (what is blanked, what stays) and on the built
// bundle against the sources: every function and class the library exports has the same `.name`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
// @ts-ignore: plain JS module
import { stripRedundantNames as strip } from '../../scripts/strip-names.mjs';
import * as mxSrc from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const stripRedundantNames = strip as (text: string) => { text: string; removed: number };
const NAME = 'var __name = (t, v) => Object.defineProperty(t, "name", { value: v, configurable: true });\n';

test('redundant __name calls are blanked; renamed bindings keep theirs; lines and columns stay', () => {
  const src = NAME + [
    'function foo() {}', '__name(foo, "foo");',
    'function bar2() {}', '__name(bar2, "bar");',
    'var f = /* @__PURE__ */ __name((x) => x, "f");',
    'var g2 = /* @__PURE__ */ __name((x) => x, "g");',
    'var h; h = /* @__PURE__ */ __name(function () {\n  return 1;\n}, "h");',
    'var o = { get: /* @__PURE__ */ __name(() => 1, "get"), k: /* @__PURE__ */ __name(() => 2, "other") };',
    'var named = /* @__PURE__ */ __name(function inner() {}, "named");',
    'var _C = class _C {};', '__name(_C, "C");',
    'var m = {}; m.p = /* @__PURE__ */ __name(() => 3, "p");',
    'var nest = /* @__PURE__ */ __name(() => /* @__PURE__ */ __name(() => 4, "x"), "nest");',
    '({ foo, bar: bar2, f, g: g2, h, get: o.get, k: o.k, named, C: _C, p: m.p, nest, x: nest() })',
  ].join('\n');
  const { text, removed } = stripRedundantNames(src);
  assert.is(text.length, src.length);
  assert.equal(text.split('\n').map((l: string) => l.length), src.split('\n').map((l: string) => l.length));
  assert.is(removed, 5); // foo, f, h, get, nest (not: bar2, g2, k, named, _C, m.p, nest's inner x)
  assert.is(text.match(/__name\(/g)!.length, src.match(/__name\(/g)!.length - 5);
  const names = (code: string) => Object.fromEntries(Object.entries(runInNewContext(code) as Record<string, () => void>).map(([k, v]) => [k, v.name]));
  assert.equal(names(text), names(src));
  assert.equal(names(text), { foo: 'foo', bar: 'bar', f: 'f', g: 'g', h: 'h', get: 'get', k: 'other', named: 'named', C: 'C', p: 'p', nest: 'nest', x: 'x' });
  assert.is(stripRedundantNames('var a = 1;').removed, 0);
});

/** `.name` of every function and class exported by mx and its namespaces, one level deep (lazy ones included). */
function exportedNames(mx: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(mx)) {
    if (typeof v === 'function') out[k] = v.name;
    else if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      for (const [k2, v2] of Object.entries(v)) if (typeof v2 === 'function') out[`${k}.${k2}`] = v2.name;
    }
  }
  return out;
}

test('the built Node bundle: every exported function and class has the name the sources give it', () => {
  const child = `const mx = require(${JSON.stringify(join(root, 'dist', 'node', 'index.cjs'))});\n` +
    `const names = ${exportedNames.toString()};\nconsole.log(JSON.stringify(names(mx)));`;
  const out = execFileSync(process.execPath, ['-e', child], { encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '1' } });
  const built = JSON.parse(out.trim().split('\n').pop()!) as Record<string, string>;
  const src = exportedNames(mxSrc as unknown as Record<string, unknown>);
  assert.ok(Object.keys(src).length > 500, `${Object.keys(src).length} names`);
  const differ = Object.keys(src).filter((k) => k in built && built[k] !== src[k]).map((k) => `${k}: ${built[k]} != ${src[k]}`);
  assert.equal(differ, []);
  assert.ok(Object.keys(src).filter((k) => k in built).length > 0.95 * Object.keys(src).length);
  assert.is(built['ShapeError'], 'ShapeError');
});

test.run();
