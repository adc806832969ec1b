// `mxwasm bench --profile`: per-layer-type profile of a network's inference from a symbol file or a model-zoo
// name, by op and by convolution class; its options refused where they do not apply.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mx } from '../helpers.js';
import { main as cli } from '../../src/cli/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mxwasm-profile-'));
const capture = () => { const out: string[] = [], err: string[] = []; return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } }; };

test('bench --profile of a symbol file: time by op and by conv class (stem, depthwise, 1x1), JSON too', async () => {
  const S = mx.sym;
  let x = S.Convolution({ data: S.Variable('data'), kernel: [3, 3], stride: [2, 2], pad: [1, 1], num_filter: 8, name: 'stem' });
  x = S.Activation({ data: x, act_type: 'relu', name: 'r0' });
  x = S.Convolution({ data: x, kernel: [3, 3], pad: [1, 1], num_filter: 8, num_group: 8, name: 'dw' });
  x = S.Convolution({ data: x, kernel: [1, 1], num_filter: 4, name: 'pw' });
  const file = join(dir, 'tiny-symbol.json'), json = join(dir, 'p.json');
  writeFileSync(file, x.toJSON());
  const c = capture();
  const code = await cli(['bench', '--profile', file, '--threads', '1', '--batch', '2', '--json', json], c.io);
  assert.is(code, 0, c.err.join('\n'));
  const text = c.out.join('\n');
  assert.match(text, /tiny-symbol\.json, 1 thread\(s\) batch 2, wall time/);
  for (const k of ['Convolution', 'stem', 'depthwise', '1x1']) assert.match(text, new RegExp(`\\n\\s+${k}\\s+[\\d.]+ ms`), k);
  const p = JSON.parse(readFileSync(json, 'utf8')).profiles[0];
  assert.is(p.batch, 2);
  assert.equal(p.byClass.map((r: { key: string }) => r.key).sort(), ['1x1', 'depthwise', 'stem']);
  const sum = p.byOp.reduce((s: number, r: { ms: number }) => s + r.ms, 0);
  assert.ok(Math.abs(sum - p.stepsMs) < 1e-6 && p.stepsMs > 0, 'the rows add up to the sum of steps');
});

test('bench: --batch / --cpu without --profile, and a bad --batch, are usage errors (exit 2)', async () => {
  for (const argv of [['bench', '--cpu'], ['bench', '--batch', '2'], ['bench', '--profile', 'x-symbol.json', '--batch', '0']]) {
    const c = capture();
    assert.is(await cli(argv, c.io), 2, argv.join(' '));
    assert.match(c.err.join('\n'), /--batch|--cpu/);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
