// Runs a distributed job for the tests: real processes over 127.0.0.1 through `launch` (the same
// code as `mxwasm launch`), bounded by a deadline; every process is stopped when it returns.
import { existsSync } from 'node:fs';
import { launch } from '../../src/cli/launch.js';

export const BUILT = existsSync(new URL('../../dist/node/kv-net.js', import.meta.url));
export const SKIP = BUILT ? '' : 'dist/node/kv-net.js is missing (npm run build): multi-process kvstore tests skipped';

export interface JobResult { code: number; lines: string[]; seconds: number }

/** Scheduler + `servers` + `workers` running `node <script>` (a file under test/kv/jobs). */
export async function runJob(o: { workers: number; servers: number; script: string; env?: Record<string, string>; deadline?: number; stopOnFailure?: boolean; args?: string[]; launcher?: 'local' | 'ssh' | 'mpi'; hosts?: string[] }): Promise<JobResult> {
  const lines: string[] = [];
  const t0 = Date.now();
  const code = await launch({
    workers: o.workers, servers: o.servers, launcher: o.launcher ?? 'local', hosts: o.hosts, env: { MXWASM_KV_TIMEOUT: process.env.MXWASM_KV_TIMEOUT ?? '20', ...o.env },
    command: [process.execPath, new URL(`./jobs/${o.script}`, import.meta.url).pathname, ...(o.args ?? [])],
    deadline: o.deadline ?? 90, stopOnFailure: o.stopOnFailure, out: (l) => { lines.push(l); },
  });
  return { code, lines, seconds: (Date.now() - t0) / 1000 };
}

/** Runs a script as one plain process (the single-process reference). */
export async function runSingle(script: string, env: Record<string, string>): Promise<JobResult> {
  const { spawn } = await import('node:child_process');
  const t0 = Date.now(), lines: string[] = [];
  const child = spawn(process.execPath, [new URL(`./jobs/${script}`, import.meta.url).pathname], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => lines.push(...String(d).split('\n')));
  child.stderr.on('data', (d) => lines.push(...String(d).split('\n')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
  const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1)));
  clearTimeout(timer);
  return { code, lines, seconds: (Date.now() - t0) / 1000 };
}
