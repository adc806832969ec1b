// `mxwasm` as a newcomer uses it: one test per mistake the CLI used to make (lost work, swallowed flags,
// missing --version, a learning rate that diverges, predict not preprocessing as train did).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, mkdtempSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as train, trainCommand } from '../../src/cli/train.js';
import { run as predict } from '../../src/cli/predict.js';
import { main as cli } from '../../src/cli/index.js';
import { parseCommand } from '../../src/cli/args.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const capture = () => { const out: string[] = []; return { out, text: () => out.join('\n'), io: { out: (l: string) => out.push(l), err: (l: string) => out.push(l) } }; };

function idx(magic: number, dims: number[], payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(4 + 4 * dims.length + payload.length), dv = new DataView(b.buffer);
  dv.setUint32(0, magic, false); dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false)); b.set(payload, 4 + 4 * dims.length);
  return b;
}

/** Tiny 3-class IDX data (a bright bar whose position is the class); returns the folder and one image of class 2. */
function data(): { dir: string; img2: Uint8Array } {
  const dir = mkdtempSync(join(tmpdir(), 'cli-train-'));
  const n = 60, img = new Uint8Array(n * 784), lab = new Uint8Array(n);
  for (let i = 0; i < n; i++) { lab[i] = i % 3; img.fill(200, i * 784 + lab[i] * 200, i * 784 + lab[i] * 200 + 100); }
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx(0x803, [n, 28, 28], img)) as Uint8Array);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx(0x801, [n], lab));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx(0x803, [n, 28, 28], img));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx(0x801, [n], lab));
  return { dir, img2: img.slice(2 * 784, 3 * 784) };
}

/** Runs `f` with console/stdout captured (the progress bar writes there). */
async function quiet<T>(f: () => Promise<T>): Promise<T> {
  const log = console.log, err = console.error, write = process.stdout.write;
  console.log = () => {}; console.error = () => {}; process.stdout.write = (() => true) as typeof process.stdout.write;
  try { return await f(); } finally { console.log = log; console.error = err; process.stdout.write = write; }
}

const FAST = ['--model', 'mlp', '--batch-size', '20', '--lr', '0.1', '--threads', '1'];
const { dir, img2 } = data();

test('train --out into a missing folder: creates it, checkpoints every epoch, writes preprocessing and curves', async () => {
  const c = capture();
  const prefix = join(dir, 'model', 'deep', 'fm');
  assert.is(await quiet(() => train([...FAST, '--data', dir, '--epochs', '2', '--out', prefix], c.io)), 0, c.text());
  for (const f of ['-symbol.json', '-0001.params', '-0002.params', '-preprocess.json', '-training.svg']) assert.ok(existsSync(prefix + f), `${prefix}${f}\n${c.text()}`);
  assert.match(c.text(), /validation accuracy: \d+\.\d\d%/);
  const pre = JSON.parse(readFileSync(`${prefix}-preprocess.json`, 'utf8'));
  assert.equal([pre.mean, pre.scale, pre.shape], [[0], 1 / 255, [1, 784]]);
  const svg = readFileSync(`${prefix}-training.svg`, 'utf8');
  assert.match(svg, /^<svg[^>]*xmlns/);
  assert.match(svg, /train-accuracy/); assert.match(svg, /validation-cross-entropy/);
  assert.is((svg.match(/<polyline/g) ?? []).length, 4, 'train and validation, accuracy and cross-entropy');
});

test('train without --out still saves (model/<name> under the working folder)', async () => {
  const cwd = process.cwd();
  process.chdir(dir);
  try { assert.is(await quiet(() => train([...FAST, '--data', dir, '--epochs', '1'], capture().io)), 0); } finally { process.chdir(cwd); }
  assert.ok(existsSync(join(dir, 'model', 'mlp-0001.params')) && existsSync(join(dir, 'model', 'mlp-symbol.json')));
});

test('unknown and malformed options are refused (exit 2), with the closest option named', async () => {
  for (const [argv, re] of [
    [['--data', dir, '--epoch', '1'], /unknown option --epoch \(did you mean --epochs\?\)/],
    [['--data', dir, '--epochs'], /option --epochs needs a value/],
    [['--data', dir, '--epochs', 'two'], /--epochs must be an integer >= 1, got 'two'/],
    [['--data', dir, '--lr', '0'], /--lr must be a number > 0, got '0'/],
    [['--data', dir, '--model', 'vgg'], /--model must be lenet or mlp/],
    [['--data', dir, '--optimizer', 'sgdd'], /unknown optimizer 'sgdd'/],
    [['--data', dir, 'extra'], /expects no positional arguments, got 'extra'/],
    [[], /--data <dir> is required/],
  ] as [string[], RegExp][]) {
    const c = capture();
    assert.is(await train(argv, c.io), 2, argv.join(' '));
    assert.match(c.text(), re);
    assert.match(c.text(), /usage: mxwasm train/);
  }
  const c = capture();
  assert.is(await train(['--data', join(dir, 'nope')], c.io), 1, 'a folder without IDX files is an error, not a usage mistake');
  assert.match(c.text(), /no train-images-idx3-ubyte/);
});

test('--version, per-command --help, unknown commands', async () => {
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  let c = capture();
  assert.is(await cli(['--version'], c.io), 0); assert.is(c.text(), version);
  for (const cmd of ['train', 'info', 'predict', 'bench']) {
    c = capture();
    assert.is(await cli([cmd, '--help'], c.io), 0, `${cmd} --help`);
    assert.match(c.text(), new RegExp(`^usage: mxwasm ${cmd}`));
    assert.match(c.text(), /-h, --help/);
  }
  c = capture();
  assert.is(await cli(['help', 'predict'], c.io), 0); assert.match(c.text(), /--input <file>/);
  c = capture();
  assert.is(await cli(['trian'], c.io), 2); assert.match(c.text(), /unknown command 'trian' \(did you mean 'train'\?\)/);
  c = capture();
  assert.is(await cli(['info', 'model/x', '--shpe', 'data=1'], c.io), 2); assert.match(c.text(), /did you mean --shape/);
  c = capture(); // a typo'd benchmark name ran nothing and printed an empty table
  assert.is(await cli(['bench', 'gemm-512', 'gemn', '--threads', '1'], c.io), 1); assert.match(c.text(), /no benchmark matches 'gemn' \(did you mean 'gemm'\?\); names: .*gemm-512/);
});

test('the default learning rate is 0.01 (0.1 with momentum 0.9 diverges on Fashion-MNIST)', () => {
  const a = parseCommand(trainCommand, ['--data', 'x']);
  assert.equal([a.values.lr, a.values.momentum, a.values.epochs], ['0.01', '0.9', '10']);
});

test('predict applies the preprocessing train recorded (same scores as an explicit --scale 1/255)', async () => {
  const prefix = join(dir, 'model', 'deep', 'fm');
  writeFileSync(join(dir, 'two.pgm'), new Uint8Array([...new TextEncoder().encode('P5\n28 28\n255\n'), ...img2]));
  const auto = capture(), explicit = capture(), raw = capture();
  assert.is(await predict([prefix, '--input', join(dir, 'two.pgm'), '--top', '1'], auto.io), 0, auto.text());
  assert.is(await predict([prefix, '2', '--input', join(dir, 'two.pgm'), '--top', '1', '--scale', String(1 / 255)], explicit.io), 0, explicit.text());
  assert.is(await predict([prefix, '2', '--input', join(dir, 'two.pgm'), '--top', '1', '--scale', '1'], raw.io), 0, raw.text());
  assert.match(auto.out[0], /input data \(1, 784\), preprocessing from .*-preprocess\.json/);
  assert.is(auto.out[1], explicit.out[1]);
  assert.match(auto.out[1], /#1 {2}class 2/);
  assert.is.not(auto.out[1], raw.out[1], 'unscaled pixels give other scores');
  const c = capture();
  assert.is(await predict([prefix], c.io), 2); assert.match(c.text(), /--input <file> is required/);
});

test('the installed command (bin/mxwasm.js over the bundle): --version, a refused flag', () => {
  const bin = join(root, 'bin', 'mxwasm.js');
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  assert.is(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim(), version);
  try { execFileSync(process.execPath, [bin, 'train', '--epoch', '1'], { encoding: 'utf8', stdio: 'pipe' }); assert.unreachable(); } catch (e: any) {
    assert.is(e.status, 2); assert.match(String(e.stderr), /did you mean --epochs/);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
