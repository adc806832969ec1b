// The parameter-server KVStore across real processes on 127.0.0.1 (scheduler, servers, workers),
// against one process at the combined batch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertClose } from '../helpers.js';
import { runJob, runSingle, SKIP } from './job.js';

const dir = mkdtempSync(join(tmpdir(), 'mxwasm-dist-'));
const weights = (f: string): Record<string, number[]> => JSON.parse(readFileSync(f, 'utf8'));
const show = (r: { lines: string[] }): string => r.lines.slice(-30).join('\n');

async function sameAsOneProcess(name: string, workers: number, servers: number, env: Record<string, string>): Promise<void> {
  if (SKIP) { console.log(SKIP); return; }
  const one = join(dir, `${name}-one.json`), many = join(dir, `${name}-dist.json`);
  const r1 = await runSingle('train.mjs', { ...env, KV_TYPE: 'local', WORKERS: String(workers), OUT: one });
  assert.is(r1.code, 0, r1.lines.join('\n'));
  const r = await runJob({ workers, servers, script: 'train.mjs', env: { ...env, KV_TYPE: 'dist_sync', OUT: many } });
  assert.is(r.code, 0, show(r));
  const a = weights(one), b = weights(many);
  assert.equal(Object.keys(b).sort(), Object.keys(a).sort());
  for (const k of Object.keys(a)) assertClose(b[k], a[k], 1e-5, 1e-6, `${name} ${k}`);
  // The job really trained: the weights moved from the initial ones.
  assert.ok(r.lines.some((l) => /\[worker 1\] rank 1 of \d: 5 steps done/.test(l)), show(r));
}

test('dist_sync 2 workers x 1 server, SGD momentum on the server, MLP 4 epochs = one process at the combined batch (1e-5)', async () => {
  await sameAsOneProcess('sgd', 2, 1, { OPT: 'sgd', STEPS: '5', EPOCHS: '4', B: '8' });
});

test('dist_sync 2 workers x 2 servers, Adam, MLP 4 epochs, big arrays sliced over both servers = one process (1e-5)', async () => {
  // bound 40: fc1_weight (64 values) and fc2_weight (48) are split over the servers, the biases are not.
  await sameAsOneProcess('adam', 2, 2, { OPT: 'adam', STEPS: '5', EPOCHS: '4', B: '6', MXNET_KVSTORE_BIGARRAY_BOUND: '40' });
});

test('gluon.Trainer on dist_sync (2 workers x 2 servers): allreduce + local Adam, and Adam on the servers, = one process', async () => {
  if (SKIP) return;
  const one = join(dir, 'gluon-one.json');
  const r1 = await runSingle('gluon.mjs', { KV_TYPE: 'local', WORKERS: '2', OUT: one });
  assert.is(r1.code, 0, r1.lines.join('\n'));
  for (const upd of ['0', '1']) {
    const many = join(dir, `gluon-${upd}.json`);
    const r = await runJob({ workers: 2, servers: 2, script: 'gluon.mjs', env: { KV_TYPE: 'dist_sync', UPDATE_ON_KV: upd, OUT: many } });
    assert.is(r.code, 0, show(r));
    const a = weights(one), b = weights(many);
    for (const k of Object.keys(a)) assertClose(b[k], a[k], 1e-5, 1e-6, `update on kvstore ${upd}: ${k}`);
  }
});

test('dist_async: 2 workers converge on a separable problem', async () => {
  if (SKIP) return;
  const r = await runJob({ workers: 2, servers: 1, script: 'train.mjs', env: { KV_TYPE: 'dist_async', OPT: 'sgd', STEPS: '40', B: '8', EVAL: '1' } });
  assert.is(r.code, 0, show(r));
  const acc = r.lines.map((l) => /accuracy=([\d.]+)/.exec(l)).filter(Boolean).map((m) => Number(m![1]));
  assert.is(acc.length, 2, show(r));
  for (const a of acc) assert.ok(a >= 0.9, `accuracy ${a}\n${show(r)}`);
});

test('a killed worker: the others fail within the timeout with an error naming the rank and the keys; no hang', async () => {
  if (SKIP) return;
  const r = await runJob({ workers: 2, servers: 1, script: 'train.mjs', stopOnFailure: false, deadline: 60, env: { KV_TYPE: 'dist_sync', STEPS: '5', DIE_RANK: '1', MXWASM_KV_TIMEOUT: '2' } });
  assert.is.not(r.code, 0);
  assert.is.not(r.code, 124, `the job hung:\n${show(r)}`);
  const err = r.lines.find((l) => l.startsWith('[worker 0]') && /KVTimeoutError\]?: worker rank 0:/.test(l));
  assert.ok(err, show(r));
  assert.match(err!, /worker rank 0: (push|pull) of keys? [\d, ]+.*worker rank 1/, err);
  assert.ok(!r.lines.some((l) => l.includes('Napi::Error')), show(r));
});

test('init / list push / pull into several outs / pushPull / 2-bit compression with residuals / server optimizer states, 2 workers x 2 servers, chunks of 2 values', async () => {
  if (SKIP) return;
  const r = await runJob({ workers: 2, servers: 2, script: 'kvops.mjs', env: { MXNET_KVSTORE_BIGARRAY_BOUND: '10', MXWASM_KV_CHUNK: '2' } });
  assert.is(r.code, 0, show(r));
  const res = r.lines.filter((l) => l.includes('RESULT ')).map((l) => JSON.parse(l.slice(l.indexOf('RESULT ') + 7)));
  assert.is(res.length, 2, show(r));
  for (const x of res) {
    assert.equal(x.initA, [1, 2, 3, 4, 5]);
    assert.equal(x.pushA, [6, 6, 6, 6, 6]); // (1 + 2) from each of 2 workers, no updater: stored := sum
    assert.equal(x.pushPull7, [3, 3, 3, 3, 3, 3]);
    assert.equal(x.q1, [1, -1, 0, 1]); // each worker sends +t, -t, 0, +t
    assert.equal(x.q2, [0, 0, 1, 0]); // residual 0.2 + 0.4 crosses 0.5 on the second push
    assert.match(x.pushPullCompressed, /Compression not supported with PushPull/);
    assert.equal(x.sgdA, [5.5, 5.5, 5.5, 5.5, 5.5]);
    assert.ok(x.statesBytes > 8);
    assert.match(x.badStates, /loadOptimizerStates/);
    assert.match(x.unknownKey, /key nope has not been initialized/);
    assert.match(x.badSize, /push of 4 values to key a holding 5/);
  }
});

test('mxwasm launch: rank-prefixed output, and a failing worker fails the job (its exit code) with the rest stopped', async () => {
  if (SKIP) return;
  const r = await runJob({ workers: 1, servers: 1, script: 'exit.mjs', args: ['3'], deadline: 60 });
  assert.is(r.code, 3, show(r));
  assert.ok(r.lines.some((l) => l === '[worker 0] exiting with 3'), show(r));
  assert.ok(r.lines.some((l) => /\[launch\] worker 0 exited with 3: stopping the job/.test(l)), show(r));
});

test.run();
