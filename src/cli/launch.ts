/**
 * `mxwasm launch -n <workers> [-s <servers>] [--launcher local|ssh|mpi] [-H hostfile] [--env K=V]...
 * [--timeout seconds] -- <command...>`: MXNet's tools/launch.py (`launchCommand`, on the shared parser). Starts the scheduler, the servers
 * and the workers, all running the same command with MXNet's DMLC_* variables (DMLC_ROLE,
 * DMLC_PS_ROOT_URI/PORT, DMLC_NUM_WORKER/SERVER, DMLC_TASK_ID), prefixes every output line with
 * the process's role and index, and exits non-zero, stopping the others, as soon as one fails.
 * @example mxwasm launch -n 2 -s 2 --launcher local -- node examples/dist-mnist.mjs
 */
import type { ChildProcess } from 'node:child_process';
import { nodeBuiltin } from '../util/node-builtin.js';
import { readFileSync } from 'node:fs';
import { pickAddress } from '../kv/ps/role.js';
import { num, parseCommand, UsageError, type Command, type ParsedArgs } from './args.js';

const childProcess = nodeBuiltin<typeof import('node:child_process')>('node:child_process');
const net = nodeBuiltin<typeof import('node:net')>('node:net');

export interface LaunchOptions {
  workers: number; servers: number; launcher: 'local' | 'ssh' | 'mpi'; hosts?: string[]; hostfile?: string; env: Record<string, string>;
  command: string[]; timeout?: number;
  /** Seconds after which the whole job is stopped and launch resolves 124 (default: none). */
  deadline?: number;
  /** false: a failing process does not stop the others (tests of failure handling). Default true. */
  stopOnFailure?: boolean;
  /** Where prefixed lines go (default: stdout / stderr). */
  out?: (line: string, err: boolean) => void;
}

/** `mxwasm launch`: the option table of the shared strict parser (./args.ts). */
export const launchCommand: Command = {
  name: 'launch',
  brief: 'a distributed training job (MXNet tools/launch.py)',
  summary: 'Starts the scheduler, S servers and W workers, all running <command> with the DMLC_* variables; output is prefixed with each process\'s role and index; '
    + 'exits non-zero (stopping the others) as soon as one fails.',
  positionals: ['command...'],
  options: {
    'num-workers': { type: 'string', short: 'n', value: 'W', help: 'worker processes (required)' },
    'num-servers': { type: 'string', short: 's', value: 'S', help: 'server processes (default: as many as workers, as launch.py)' },
    launcher: { type: 'string', value: 'local|ssh|mpi', default: 'local', help: 'local processes, ssh to the hosts of -H, or one mpirun per role (sge, yarn are not supported)' },
    hostfile: { type: 'string', short: 'H', value: 'file', help: 'ssh: one host[:port] a line, process i goes to host i mod #hosts; mpi: passed as mpirun --hostfile' },
    env: { type: 'string', multiple: true, value: 'K=V', help: 'an environment variable for every process' },
    timeout: { type: 'string', value: 'seconds', help: 'MXWASM_KV_TIMEOUT for every process: a node silent this long fails the job (default 60)' },
  },
  notes: ['example: mxwasm launch -n 2 -s 2 --launcher local -- node examples/dist-mnist.mjs', 'put -- before the command so that its own options are not read as launch\'s'],
  run: async (a) => launch(launchOptions(a)),
};

/** Checks parsed arguments and turns them into LaunchOptions (UsageError on a mistake). */
export function launchOptions(a: ParsedArgs): LaunchOptions {
  const v = a.values;
  if (v['num-workers'] === undefined) throw new UsageError('-n <workers> is required', launchCommand);
  const workers = num(v, 'num-workers', { int: true, min: 1 });
  const servers = v['num-servers'] === undefined ? workers : num(v, 'num-servers', { int: true, min: 1 });
  const l = v.launcher as string;
  if (l !== 'local' && l !== 'ssh' && l !== 'mpi') throw new UsageError(`--launcher ${l}: only local, ssh and mpi are supported (sge, yarn are not)`, launchCommand);
  const env: Record<string, string> = {};
  for (const kv of (v.env as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env ${kv}: expected NAME=VALUE`, launchCommand);
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const o: LaunchOptions = { workers, servers, launcher: l, env, command: a.positionals, ...(v.timeout !== undefined ? { timeout: num(v, 'timeout', { gt: 0 }) } : {}) };
  if (l === 'ssh') {
    const hostfile = v.hostfile as string | undefined;
    if (!hostfile) throw new UsageError('--launcher ssh needs -H <hostfile> (one host[:port] a line)', launchCommand);
    o.hosts = readFileSync(hostfile, 'utf8').split('\n').map((x) => x.trim().split(/\s+/)[0]).filter((x) => x && !x.startsWith('#'));
    if (!o.hosts.length) throw new UsageError(`hostfile ${hostfile} lists no hosts`, launchCommand);
  }
  if (l === 'mpi' && v.hostfile !== undefined) o.hostfile = v.hostfile as string;
  return o;
}

/** Parses `mxwasm launch` arguments strictly. @example parseLaunchArgs(['-n', '2', '--', 'node', 'x.mjs']) */
export function parseLaunchArgs(argv: string[]): LaunchOptions { return launchOptions(parseCommand(launchCommand, argv)); }

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net().createServer();
    s.once('error', reject);
    s.listen(0, host, () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

/** Which MPI `mpirun --version` names (dmlc-core tracker/mpi.py): Open MPI takes `-x K=V`, MPICH `-env K V`. */
export function mpiFlavour(): 'openmpi' | 'mpich' {
  const r = childProcess().spawnSync('mpirun', ['--version'], { encoding: 'utf8' });
  if (r.error) throw new UsageError(`--launcher mpi: cannot run mpirun: ${r.error.message}`, launchCommand);
  const said = `${r.stdout}${r.stderr}`;
  if (said.includes('Open MPI')) return 'openmpi';
  if (/mpich/i.test(said)) return 'mpich';
  throw new UsageError(`--launcher mpi: Unknown MPI Version (mpirun --version printed ${JSON.stringify(said.trim().slice(0, 120))})`, launchCommand);
}

/**
 * One role's mpirun line as dmlc-core's mpi launcher builds it: `mpirun -n <count> <variables> [--hostfile f] command`.
 * @example mpiCommand('openmpi', 2, { DMLC_ROLE: 'worker' }, ['node', 'x.mjs']) // ['mpirun', '-n', '2', '-x', 'DMLC_ROLE=worker', 'node', 'x.mjs']
 */
export function mpiCommand(flavour: 'openmpi' | 'mpich', count: number, vars: Record<string, string>, command: string[], hostfile?: string): string[] {
  const env = Object.entries(vars).flatMap(([k, v]) => (flavour === 'openmpi' ? ['-x', `${k}=${v}`] : ['-env', k, v]));
  return ['mpirun', '-n', String(count), ...env, ...(hostfile ? ['--hostfile', hostfile] : []), ...command];
}

const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Runs the job; resolves to the exit code (0 when every process succeeded). */
export async function launch(o: LaunchOptions): Promise<number> {
  const out = o.out ?? ((l, err) => (err ? process.stderr : process.stdout).write(l + '\n'));
  const local = o.launcher === 'local';
  const flavour = o.launcher === 'mpi' ? mpiFlavour() : undefined;
  const root = local ? '127.0.0.1' : pickAddress(process.env.DMLC_INTERFACE);
  const port = await freePort(local ? '127.0.0.1' : '0.0.0.0');
  const base = { DMLC_PS_ROOT_URI: root, DMLC_PS_ROOT_PORT: String(port), DMLC_NUM_WORKER: String(o.workers), DMLC_NUM_SERVER: String(o.servers),
    DMLC_JOB_CLUSTER: o.launcher, ...(o.timeout ? { MXWASM_KV_TIMEOUT: String(o.timeout) } : {}), ...o.env };
  const procs: { name: string; child: ChildProcess }[] = [];
  let failed: { name: string; code: number } | undefined;
  const start = (name: string, vars: Record<string, string>, host?: string, mpi?: number): void => {
    let child: ChildProcess;
    if (mpi !== undefined) {
      const [cmd, ...args] = mpiCommand(flavour!, mpi, { ...base, ...vars }, o.command, o.hostfile);
      child = childProcess().spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } else if (host) {
      const exports = Object.entries({ ...base, ...vars }).map(([k, v]) => `export ${k}=${quote(v)};`).join(' ');
      const [h, p] = host.split(':');
      child = childProcess().spawn('ssh', ['-o', 'StrictHostKeyChecking=no', ...(p ? ['-p', p] : []), h,
        `${exports} cd ${quote(process.cwd())}; ${o.command.map(quote).join(' ')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    } else {
      const [cmd, ...args] = o.command;
      child = childProcess().spawn(cmd, args, { env: { ...process.env, ...base, ...vars }, stdio: ['ignore', 'pipe', 'pipe'], shell: o.command.length === 1 });
    }
    for (const [stream, err] of [[child.stdout!, false], [child.stderr!, true]] as const) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => { buf += d; const lines = buf.split('\n'); buf = lines.pop()!; for (const l of lines) out(`[${name}] ${l}`, err); });
      stream.on('end', () => { if (buf) out(`[${name}] ${buf}`, err); });
    }
    procs.push({ name, child });
  };
  start('scheduler', { DMLC_ROLE: 'scheduler' });
  // launch.py's order: task i < W is a worker, then servers; ssh places servers first on the hosts.
  const order: [string, number][] = [...[...Array(o.servers).keys()].map((i): [string, number] => ['server', i]), ...[...Array(o.workers).keys()].map((i): [string, number] => ['worker', i])];
  if (flavour) {
    // dmlc-core's mpi launcher: the scheduler here, one mpirun for the workers and one for the servers
    // (worker ranks follow the MPI rank: see readEnv).
    start('workers', { DMLC_ROLE: 'worker' }, undefined, o.workers);
    start('servers', { DMLC_ROLE: 'server' }, undefined, o.servers);
  } else order.forEach(([role, i], j) => {
    const vars = { DMLC_ROLE: role, DMLC_TASK_ID: String(role === 'worker' ? i : o.workers + i) };
    start(`${role} ${i}`, vars, o.hosts ? o.hosts[j % o.hosts.length] : undefined);
  });
  const stopAll = (): void => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    setTimeout(() => { for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL'); }, 3000).unref();
  };
  const onSignal = (): void => { failed ??= { name: 'launcher', code: 130 }; stopAll(); };
  const timer = o.deadline ? setTimeout(() => {
    out(`[launch] deadline of ${o.deadline} s passed: stopping the job`, true); failed ??= { name: 'launcher', code: 124 }; stopAll();
  }, o.deadline * 1000) : undefined;
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await Promise.all(procs.map((p) => new Promise<void>((resolve) => {
    p.child.on('error', (e) => { out(`[${p.name}] failed to start: ${e.message}`, true); failed ??= { name: p.name, code: 127 }; stopAll(); resolve(); });
    p.child.on('exit', (code, sig) => { if (process.env.MXWASM_LAUNCH_DEBUG) out(`[${p.name}] exit ${code} ${sig}`, false);
      if (code !== 0 && !failed) {
        failed = { name: p.name, code: code ?? 1 };
        out(`[launch] ${p.name} exited with ${code ?? sig}${o.stopOnFailure === false ? '' : ': stopping the job'}`, true);
        if (o.stopOnFailure !== false) stopAll();
      }
      resolve();
    });
  })));
  clearTimeout(timer);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return failed ? failed.code || 1 : 0;
}
