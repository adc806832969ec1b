// LeNet (the real layers, 16x16 digits) trained with Module.fit on dist_sync across real processes
// equals one process at the combined batch after several epochs; a run stopped while writing a
// checkpoint keeps the previous one intact (the atomic temporary + rename writer).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertClose } from '../helpers.js';
import { runJob, runSingle, SKIP } from './job.js';

const dir = mkdtempSync(join(tmpdir(), 'mxwasm-dist-lenet-'));
const weights = (f: string): Record<string, number[]> => JSON.parse(readFileSync(f, 'utf8'));
const show = (r: { lines: string[] }): string => r.lines.slice(-30).join('\n');
const LAYERS = ['conv1_weight', 'conv1_bias', 'conv2_weight', 'conv2_bias', 'fc1_weight', 'fc1_bias', 'fc2_weight', 'fc2_bias'];

async function lenetSame(name: string, servers: number, env: Record<string, string>): Promise<void> {
  const one = join(dir, `${name}-one.json`), many = join(dir, `${name}-dist.json`);
  const r1 = await runSingle('lenet.mjs', { ...env, KV_TYPE: 'local', WORKERS: '2', OUT: one });
  assert.is(r1.code, 0, r1.lines.join('\n'));
  const r = await runJob({ workers: 2, servers, script: 'lenet.mjs', env: { ...env, KV_TYPE: 'dist_sync', OUT: many } });
  assert.is(r.code, 0, show(r));
  const a = weights(one), b = weights(many);
  assert.equal(Object.keys(b).sort(), [...LAYERS].sort());
  for (const k of LAYERS) assertClose(b[k], a[k], 1e-5, 1e-6, `${name} ${k}`);
  assert.ok(r.lines.some((l) => l === '[worker 1] rank 1 of 2: 3 epochs of 3 batches done'), show(r));
}

test('LeNet, 3 epochs, dist_sync 2 workers x 1 server, SGD momentum on the server = one process at the combined batch (1e-5)', async () => {
  if (SKIP) { console.log(SKIP); return; }
  await lenetSame('sgd', 1, { OPT: 'sgd', CKPT: join(dir, 'full') });
  // rank 0 wrote a checkpoint per epoch, nothing else is left in the folder
  for (const e of ['0001', '0002', '0003']) assert.ok(existsSync(join(dir, `full-${e}.params`)), e);
  assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), readdirSync(dir).join(' '));
});

test('LeNet, 3 epochs, dist_sync 2 workers x 2 servers, Adam on the servers, conv2/fc1/fc2 sliced over both and sent in chunks = one process (1e-5)', async () => {
  if (SKIP) return;
  // bound 1000: conv2_weight, fc1_weight (25,000 values) and fc2_weight (5,000) are split over the servers;
  // chunks of 4,096 values: each 12,500-value slice travels as 4 pushes and 4 pulls, merged chunk by chunk
  await lenetSame('adam', 2, { OPT: 'adam', MXNET_KVSTORE_BIGARRAY_BOUND: '1000', MXWASM_KV_CHUNK: '4096' });
});

/** Stops (SIGSTOP) the processes whose environment holds both strings for `ms` once `file` exists. */
function stall(a: string, b: string, file: string, ms: number): { poll: ReturnType<typeof setInterval>; pids: number[] } {
  const s = { pids: [] as number[], poll: setInterval(() => {
    if (!existsSync(file) || !existsSync('/proc/self/environ')) return;
    clearInterval(s.poll);
    for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try { const e = readFileSync(`/proc/${p}/environ`, 'latin1'); if (e.includes(a) && e.includes(b)) { process.kill(Number(p), 'SIGSTOP'); s.pids.push(Number(p)); } } catch { /* gone */ }
    }
    setTimeout(() => { for (const p of s.pids) try { process.kill(p, 'SIGCONT'); } catch { /* ended */ } }, ms);
  }, 20) };
  return s;
}

test('a dist fit killed while writing epoch 3\'s checkpoint keeps epoch 2\'s intact (same bytes as a run that went on)', async () => {
  if (SKIP) return;
  const prefix = join(dir, 'stopped');
  // A loaded machine stalls processes for seconds (at load ~15-30 a job with a 3 s timeout aborted: "the scheduler has
  // not answered for 3010 ms"): the server is stopped for 4 s once epoch 1's checkpoint exists, and the job, at
  // job.ts's timeout, goes on (the launcher, not a timeout, ends it when worker 0 dies). Linux: /proc finds the server.
  const stalled = stall(`CKPT=${prefix}\0`, 'DMLC_ROLE=server\0', `${prefix}-0001.params`, 4000);
  const r = await runJob({ workers: 2, servers: 1, script: 'lenet.mjs', deadline: 120, env: { OPT: 'sgd', KV_TYPE: 'dist_sync', CKPT: prefix, KILL_IN_CHECKPOINT: '3' } });
  clearInterval(stalled.poll);
  if (existsSync('/proc/self/environ')) assert.ok(stalled.pids.length === 1, `the server was not stopped: ${stalled.pids}\n${show(r)}`);
  assert.is.not(r.code, 0, show(r));
  assert.is.not(r.code, 124, `the job hung:\n${show(r)}`);
  assert.ok(r.lines.some((l) => l.startsWith('[worker 0] killed while writing') && l.endsWith('stopped-0003.params')), show(r));
  assert.ok(!existsSync(`${prefix}-0003.params`), 'no epoch-3 params: the temporary was never renamed');
  const full = join(dir, 'full');
  if (!existsSync(`${full}-0002.params`)) return; // the first test did not run
  for (const f of ['-0001.params', '-0002.params', '-symbol.json']) assert.ok(readFileSync(prefix + f, 'latin1') === readFileSync(full + f, 'latin1'), f);
});

test.run();
