// The CLI's saves (issue 14): `mxwasm train` onto a full disk or a folder that refuses new files fails with a
// message and exit code 1, and leaves the previous run's checkpoint and preprocessing file byte for byte
// (every file goes to a temporary name, is flushed and renamed; src/format/fs.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as realFs from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as train } from '../../src/cli/train.js';
import { setFileSystemForTests } from '../../src/format/fs.js';

function idx(magic: number, dims: number[], payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(4 + 4 * dims.length + payload.length), dv = new DataView(b.buffer);
  dv.setUint32(0, magic, false); dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false)); b.set(payload, 4 + 4 * dims.length);
  return b;
}
const dir = realFs.mkdtempSync(join(tmpdir(), 'cli-save-'));
{
  const n = 40, img = new Uint8Array(n * 784), lab = new Uint8Array(n);
  for (let i = 0; i < n; i++) { lab[i] = i % 3; img.fill(200, i * 784 + lab[i] * 200, i * 784 + lab[i] * 200 + 100); }
  realFs.writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx(0x803, [n, 28, 28], img)) as Uint8Array);
  realFs.writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx(0x801, [n], lab));
  realFs.writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx(0x803, [n, 28, 28], img));
  realFs.writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx(0x801, [n], lab));
}
const out = join(dir, 'model');
// The curves (-training.svg) are redrawn during a run (a new run's plot, not part of a checkpoint): compared by name only.
const snapshot = () => Object.fromEntries(realFs.readdirSync(out).sort().map((f) => [f, f.endsWith('.svg') ? 'svg' : realFs.readFileSync(join(out, f)).toString('base64')]));

/** Node's fs with writes failing after the first `okWrites` (ENOSPC, 7 bytes written) or every open for writing refused (EACCES). */
function failing(kind: 'write' | 'open', okWrites = 0): typeof realFs {
  let n = 0;
  const err = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
  return {
    ...realFs,
    openSync: ((p: string, f: string) => { if (kind === 'open' && /w/.test(String(f))) throw err('EACCES'); return realFs.openSync(p, f); }) as typeof realFs.openSync,
    writeSync: ((fd: number, d: Uint8Array, off?: number, len?: number) => {
      if (kind === 'write' && ++n > okWrites) { realFs.writeSync(fd, d, off, Math.min(len ?? d.length, 7)); throw err('ENOSPC'); }
      return realFs.writeSync(fd, d, off, len);
    }) as typeof realFs.writeSync,
  };
}

async function run(args: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [], log = console.log, error = console.error, write = process.stdout.write;
  console.log = () => {}; console.error = () => {}; process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const code = await train(['--model', 'mlp', '--batch-size', '20', '--lr', '0.1', '--threads', '1', '--data', dir, '--epochs', '1', '--out', join(out, 'fm'), ...args],
      { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) });
    return { code, text: lines.join('\n') };
  } finally { console.log = log; console.error = error; process.stdout.write = write; }
}

test('mxwasm train onto a full disk or a refused folder: exit 1 with a message, the previous run\'s files unchanged', async () => {
  const first = await run([]);
  assert.is(first.code, 0, first.text);
  const good = snapshot();
  assert.ok(['fm-symbol.json', 'fm-0001.params', 'fm-preprocess.json'].every((f) => f in good), Object.keys(good).join(' '));
  for (const [kind, ok] of [['write', 0], ['write', 1], ['write', 2], ['open', 0]] as const) {
    setFileSystemForTests(failing(kind, ok) as never);
    let r: { code: number; text: string };
    try { r = await run(['--seed', '9']); } finally { setFileSystemForTests(undefined); }
    assert.is(r.code, 1, `${kind} after ${ok}: ${r.text}`);
    assert.match(r.text, /ENOSPC|EACCES/, `${kind} after ${ok}: the message says why`);
    assert.equal(snapshot(), good, `${kind} after ${ok}: old files changed or temporaries left`);
  }
});

test.after(() => { realFs.rmSync(dir, { recursive: true, force: true }); });
test.run();
