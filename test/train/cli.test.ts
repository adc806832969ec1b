import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/train.js';

function idx(magic: number, dims: number[], payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(4 + 4 * dims.length + payload.length), dv = new DataView(b.buffer);
  dv.setUint32(0, magic, false); dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false)); b.set(payload, 4 + 4 * dims.length);
  return b;
}

test('mxwasm train --model mlp on tiny IDX files: trains, validates, writes a checkpoint; bad input -> exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-train-'));
  const n = 60, img = new Uint8Array(n * 784), lab = new Uint8Array(n);
  for (let i = 0; i < n; i++) { lab[i] = i % 3; img.fill(200, i * 784 + lab[i] * 200, i * 784 + lab[i] * 200 + 100); }
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx(0x803, [n, 28, 28], img)) as Uint8Array);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx(0x801, [n], lab));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx(0x803, [n, 28, 28], img));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx(0x801, [n], lab));
  const out: string[] = [], log = console.log, err = console.error, write = process.stdout.write;
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); }; console.error = console.log;
  process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
  try {
    const code = await main(['--model', 'mlp', '--data', dir, '--epochs', '2', '--batch-size', '20', '--lr', '0.1', '--threads', '1', '--out', join(dir, 'm')]);
    assert.is(code, 0, out.join('\n'));
    assert.ok(out.some((l) => /validation accuracy: \d+\.\d\d%/.test(l)), out.join('\n'));
    assert.ok(existsSync(join(dir, 'm-0002.params')) && existsSync(join(dir, 'm-symbol.json')));
    assert.is(await main(['--model', 'mlp', '--data', join(dir, 'nope')]), 1);
    assert.is(await main(['--model', 'vgg', '--data', dir]), 1);
  } finally { console.log = log; console.error = err; process.stdout.write = write; }
});

test.run();
