// Readable stacks from the installed package: the Node bundles ship source maps, so `node --enable-source-maps`
// prints frames at the TypeScript sources (file and line of the throwing code), for import and require alike.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = `try { mx.nd.array([1, 2, 3]).reshape([2, 2]); } catch (e) { console.log(e.stack); }`;

test('the Node bundles ship source maps (referenced from the bundle, sources not embedded)', () => {
  // (dist/node/dp-worker.js is three lines that require index.cjs: its frames are mxwasm.cjs's, mapped by that map.)
  for (const f of ['dist/node/mxwasm.cjs', 'dist/node/index.cjs', 'dist/node/kv-net.js']) {
    assert.ok(existsSync(join(root, `${f}.map`)), `${f}.map`);
    assert.match(readFileSync(join(root, f), 'utf8').slice(-200), new RegExp(`sourceMappingURL=${f.split('/').pop()!.replace('.', '\\.')}\\.map`));
    const map = JSON.parse(readFileSync(join(root, `${f}.map`), 'utf8'));
    assert.ok(map.sources.some((s: string) => s.startsWith('../../src/')), `${f}: sources ${map.sources.slice(0, 3)}`);
    assert.is(map.sourcesContent, undefined);
  }
});

for (const [kind, prelude, ext] of [['require', "const mx = require('mxwasm');", 'cjs'], ['import', "import * as mx from 'mxwasm';", 'mjs']] as const) {
  test(`node --enable-source-maps: a ShapeError's frames point at src/**/*.ts lines that hold the code (${kind})`, () => {
    const run = (flags: string[]) => execFileSync(process.execPath, [...flags, '--input-type', ext === 'cjs' ? 'commonjs' : 'module', '-e', `${prelude}\n${PROBE}\nmx.shutdown();`], { cwd: root, encoding: 'utf8' });
    const mapped = run(['--enable-source-maps']);
    assert.match(mapped, /^ShapeError: Reshape: cannot reshape \(3,\) to \(2,2\)/);
    const frames = [...mapped.matchAll(/at (\S+) \((.*?[\\/]src[\\/](\S+?\.ts)):(\d+):\d+\)/g)];
    assert.ok(frames.length >= 2, mapped);
    // Each mapped frame names a function whose code is on that line of that source file.
    for (const [, fn, , file, line] of frames.slice(0, 3)) {
      const text = readFileSync(join(root, 'src', file), 'utf8').split('\n')[Number(line) - 1] ?? '';
      const name = fn.split('.').pop()!;
      assert.ok(text.length > 0, `${file}:${line}`);
      if (name !== 'reshape') assert.ok(/fail|throw|Error|reshape|\(/.test(text), `${fn} at ${file}:${line}: ${text}`);
    }
    assert.ok(frames.some(([, fn, , file]) => /reshape/.test(fn) && file.startsWith('ndarray/')), mapped);
    // Without the flag the frames are the bundle's own (still named, unminified).
    assert.match(run([]), /at \S*reshape \(.*dist[\\/]node[\\/](index|mxwasm)\.cjs:\d+/);
  });
}

test.run();
