// Saves that cannot lose a checkpoint (issue 14): every file goes to a temporary name in its folder, is flushed
// and renamed; params before symbol; a failure (full disk, read-only folder) removes the temporaries and leaves
// the old files byte for byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as realFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mx } from '../helpers.js';
import { isMxError } from '../../src/errors.js';
import { setFileSystemForTests } from '../../src/format/fs.js';

const dir = realFs.mkdtempSync(join(tmpdir(), 'mxwasm-save-'));
const net = () => mx.sym.FullyConnected({ data: mx.sym.Variable('data'), num_hidden: 2, name: 'fc' });
const params = (v: number) => ({ fc_weight: mx.nd.full([2, 3], v), fc_bias: mx.nd.full([2], v) });
const snapshot = () => Object.fromEntries(realFs.readdirSync(dir).sort().map((f) => [f, realFs.readFileSync(join(dir, f)).toString('base64')]));

/** Node's fs with one operation failing: 'write' after `after` bytes (ENOSPC), 'open' (EACCES), or 'rename'. */
function failing(kind: 'write' | 'open' | 'rename', nth = 1): typeof realFs {
  let count = 0;
  const err = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
  return {
    ...realFs,
    openSync: ((p: string, f: string) => { if (kind === 'open' && ++count >= nth) throw err('EACCES'); return realFs.openSync(p, f); }) as typeof realFs.openSync,
    writeSync: ((fd: number, d: Uint8Array, off?: number, len?: number) => {
      if (kind === 'write' && ++count >= nth) { realFs.writeSync(fd, d, off, Math.min(len ?? d.length, 7)); throw err('ENOSPC'); }
      return realFs.writeSync(fd, d, off, len);
    }) as typeof realFs.writeSync,
    renameSync: ((a: string, b: string) => { if (kind === 'rename' && ++count >= nth) throw err('EXDEV'); return realFs.renameSync(a, b); }) as typeof realFs.renameSync,
  };
}

function expectMx(f: () => unknown, what: string): void {
  try { f(); } catch (e) { assert.ok(isMxError(e), `${what}: ${(e as Error).name}: ${(e as Error).message}`); return; }
  assert.unreachable(`${what}: no error`);
}

test('saveCheckpoint: a full disk or a read-only folder at any file keeps the old checkpoint byte for byte, no temporaries left', () => {
  const p1 = params(1), p2 = params(2), prefix = join(dir, 'm');
  mx.model.saveCheckpoint(prefix, 1, net(), p1);
  const good = snapshot();
  assert.equal(Object.keys(good), ['m-0001.params', 'm-symbol.json']);
  for (const [kind, nth] of [['write', 1], ['write', 2], ['open', 1], ['open', 2], ['rename', 1]] as const) {
    setFileSystemForTests(failing(kind, nth) as never);
    try { expectMx(() => mx.model.saveCheckpoint(prefix, 1, mx.sym.Activation({ data: net(), act_type: 'relu' }), p2), `${kind} #${nth}`); } finally { setFileSystemForTests(undefined); }
    assert.equal(snapshot(), good, `${kind} #${nth}: old files changed or temporaries left`);
  }
  mx.model.saveCheckpoint(prefix, 1, net(), p2); // a save that works replaces both
  const back = mx.model.loadCheckpoint(prefix, 1);
  assert.equal(Array.from(back.argParams.fc_bias.data), [2, 2]);
  for (const a of [...Object.values(back.argParams), ...Object.values(p1), ...Object.values(p2)]) a.dispose();
});

test('a target folder that cannot be written (a file in the way) fails cleanly; mx.nd.save keeps the old file', () => {
  const a = mx.nd.array([1, 2, 3]), f = join(dir, 'x.nd');
  mx.nd.save(f, { a });
  const good = snapshot();
  realFs.writeFileSync(join(dir, 'blocker'), 'not a folder');
  expectMx(() => mx.nd.save(join(dir, 'blocker', 'y.nd'), { a }), 'ENOTDIR');
  realFs.unlinkSync(join(dir, 'blocker'));
  setFileSystemForTests(failing('write') as never);
  try { expectMx(() => mx.nd.save(f, { b: a }), 'nd.save full disk'); } finally { setFileSystemForTests(undefined); }
  assert.equal(snapshot(), good);
  a.dispose();
});

test('Module.saveCheckpoint with optimizer states: params, states and symbol replaced together or not at all', () => {
  const mod = new mx.mod.Module({ symbol: mx.sym.LinearRegressionOutput({ data: net(), label: mx.sym.Variable('lin_label'), name: 'lin' }), labelNames: ['lin_label'] });
  mod.bind({ dataShapes: [['data', [4, 3]]], labelShapes: [['lin_label', [4, 2]]] });
  mod.initParams();
  mod.initOptimizer({ optimizer: 'adam' });
  const prefix = join(dir, 'mod');
  mod.saveCheckpoint(prefix, 3, true);
  const good = snapshot();
  assert.ok('mod-0003.states' in good);
  for (const nth of [1, 2, 3]) {
    setFileSystemForTests(failing('open', nth) as never);
    try { expectMx(() => mod.saveCheckpoint(prefix, 3, true), `open #${nth}`); } finally { setFileSystemForTests(undefined); }
    assert.equal(snapshot(), good);
  }
  mod.dispose();
});

test('Module.saveOptimizerStates onto a full disk or a refused folder keeps the old states file', () => {
  const mod = new mx.mod.Module({ symbol: mx.sym.LinearRegressionOutput({ data: net(), label: mx.sym.Variable('lin_label'), name: 'lin' }), labelNames: ['lin_label'] });
  mod.bind({ dataShapes: [['data', [4, 3]]], labelShapes: [['lin_label', [4, 2]]] });
  mod.initParams();
  mod.initOptimizer({ optimizer: 'adam' });
  const f = join(dir, 'opt.states');
  mod.saveOptimizerStates(f);
  const good = snapshot();
  for (const kind of ['write', 'open', 'rename'] as const) {
    setFileSystemForTests(failing(kind) as never);
    try { expectMx(() => mod.saveOptimizerStates(f), `states ${kind}`); } finally { setFileSystemForTests(undefined); }
    assert.equal(snapshot(), good, `states ${kind}: old file changed or temporaries left`);
  }
  mod.dispose();
});

test.after(() => { realFs.rmSync(dir, { recursive: true, force: true }); });
test.run();
