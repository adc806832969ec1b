// MXNet's `import mxnet` side effect: a process started with DMLC_ROLE=server or scheduler runs
// that role and exits instead of the user's script (Node ESM entry, via top-level await). The
// same program runs everywhere, as with tools/launch.py.
import { networkInterfaces } from 'node:os';
import { readEnv } from './protocol.js';
import { runScheduler } from './scheduler.js';
import { runServer } from './server.js';
import { zmqTransport } from './transport.js';

/** The IPv4 address servers advertise when bound to every interface (DMLC_INTERFACE picks the NIC). */
export function pickAddress(iface?: string): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (iface && name !== iface) continue;
    const a = addrs?.find((x) => x.family === 'IPv4' && !x.internal);
    if (a) return a.address;
  }
  return '127.0.0.1';
}

/**
 * Runs the server or scheduler role named by DMLC_ROLE; resolves to its exit code, or undefined
 * for workers (and when DMLC_ROLE is unset).
 * @example const code = await runRole(process.env); if (code !== undefined) process.exit(code);
 */
export async function runRole(vars: Record<string, string | undefined>): Promise<number | undefined> {
  const role = vars.DMLC_ROLE;
  if (role !== 'server' && role !== 'scheduler') return undefined;
  const env = readEnv(vars);
  env.advertise ??= pickAddress(vars.DMLC_INTERFACE);
  const log = (s: string): void => { process.stderr.write(`[${role}] ${s}\n`); };
  try {
    return role === 'server' ? await runServer(env, zmqTransport(), log) : await runScheduler(env, zmqTransport(), log);
  } catch (e) {
    log(`failed: ${(e as Error).message}`);
    return 1;
  }
}
