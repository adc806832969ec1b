// The mpi and ssh launchers of `mxwasm launch`, run through stand-ins for mpirun and ssh
// (test/kv/bin: they start the processes on this machine, as the real tools would on the hosts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mpiCommand, parseLaunchArgs } from '../../src/cli/launch.js';
import { runJob, SKIP } from './job.js';

const dir = mkdtempSync(join(tmpdir(), 'mxwasm-launchers-'));
const bin = new URL('./bin/', import.meta.url).pathname;
const show = (r: { lines: string[] }): string => r.lines.slice(-30).join('\n');
const withFakes = async <T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> => {
  const saved = { ...process.env };
  Object.assign(process.env, env, { PATH: `${bin}:${process.env.PATH}` });
  try { return await f(); } finally { for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]; Object.assign(process.env, saved); }
};

test('mpiCommand: dmlc-core\'s mpirun line (-x K=V for Open MPI, -env K V for MPICH, --hostfile)', () => {
  const vars = { DMLC_ROLE: 'worker', DMLC_NUM_WORKER: '2' };
  assert.equal(mpiCommand('openmpi', 2, vars, ['node', 'train.mjs']), ['mpirun', '-n', '2', '-x', 'DMLC_ROLE=worker', '-x', 'DMLC_NUM_WORKER=2', 'node', 'train.mjs']);
  assert.equal(mpiCommand('mpich', 3, vars, ['node', 'a b.mjs'], 'hosts'), ['mpirun', '-n', '3', '-env', 'DMLC_ROLE', 'worker', '-env', 'DMLC_NUM_WORKER', '2', '--hostfile', 'hosts', 'node', 'a b.mjs']);
  assert.is(parseLaunchArgs(['-n', '2', '--launcher', 'mpi', '-H', 'h', '--', 'x']).hostfile, 'h');
  assert.throws(() => parseLaunchArgs(['-n', '2', '--launcher', 'sge', '--', 'x']), /only local, ssh and mpi/);
});

for (const flavour of ['openmpi', 'mpich']) {
  test(`--launcher mpi (${flavour}): scheduler here, one mpirun for the workers and one for the servers; ranks from the MPI rank`, async () => {
    if (SKIP) { console.log(SKIP); return; }
    const log = join(dir, `mpi-${flavour}.log`);
    writeFileSync(log, '');
    const r = await withFakes({ FAKE_MPI: flavour, FAKE_MPI_LOG: log }, () => runJob({ workers: 2, servers: 2, launcher: 'mpi', script: 'train.mjs', env: { KV_TYPE: 'dist_sync', STEPS: '2' } }));
    assert.is(r.code, 0, show(r));
    const calls: string[][] = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.is(calls.length, 2, JSON.stringify(calls));
    for (const role of ['worker', 'server']) {
      const c = calls.find((x) => x.join(' ').includes(`DMLC_ROLE${flavour === 'mpich' ? ' ' : '='}${role}`))!;
      assert.ok(c, `${role}: ${JSON.stringify(calls)}`);
      assert.equal(c.slice(0, 2), ['-n', '2']);
      assert.ok(c.join(' ').includes(flavour === 'mpich' ? '-env DMLC_JOB_CLUSTER mpi' : '-x DMLC_JOB_CLUSTER=mpi'), c.join(' '));
      assert.ok(c.at(-1)!.endsWith('train.mjs'), c.join(' '));
    }
    for (const rank of [0, 1]) assert.ok(r.lines.some((l) => l === `[workers] rank ${rank} of 2: 2 steps done`), show(r));
  });
}

test('--launcher ssh: servers first, then workers, round-robin over the hostfile (host:port), each with its DMLC_* exports', async () => {
  if (SKIP) return;
  const log = join(dir, 'ssh.log'), hostfile = join(dir, 'hosts');
  writeFileSync(log, '');
  writeFileSync(hostfile, '# two machines\nalpha\nbeta:2222 slots=4\n');
  const o = parseLaunchArgs(['-n', '2', '-s', '1', '--launcher', 'ssh', '-H', hostfile, '--', 'x']);
  assert.equal(o.hosts, ['alpha', 'beta:2222']);
  const r = await withFakes({ FAKE_SSH_LOG: log }, () => runJob({ workers: 2, servers: 1, launcher: 'ssh', hosts: o.hosts, script: 'train.mjs', env: { KV_TYPE: 'dist_sync', STEPS: '2' } }));
  assert.is(r.code, 0, show(r));
  assert.equal(readFileSync(log, 'utf8').trim().split('\n').sort(), ['alpha 22 DMLC_ROLE=server DMLC_TASK_ID=2', 'alpha 22 DMLC_ROLE=worker DMLC_TASK_ID=1', 'beta 2222 DMLC_ROLE=worker DMLC_TASK_ID=0']);
  for (const rank of [0, 1]) assert.ok(r.lines.some((l) => l === `[worker ${rank}] rank ${rank} of 2: 2 steps done`), show(r));
});

test.run();
