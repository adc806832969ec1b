// Node entry: finds the kernel files beside the bundle (dist/) or in dist/ when run from src/,
// loads them synchronously at import (Node allows synchronous compilation of any size).
import './node-flags.js'; // first: engine flags must be set before any WebAssembly compiles
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TransferListItem } from 'node:worker_threads';
import { nodeBuiltin } from '../util/node-builtin.js';
import { availableParallelism } from 'node:os';
import { setSourceProvider, type Variant } from '../runtime/runtime.js';
import { knowSharedPostable } from '../runtime/detect.js';
import { setThreadPlatform } from '../parallel/pool.js';
import { KernelError } from '../errors.js';
import { setDistFactory } from '../kv/kvstore.js';
import * as psClient from '../kv/ps/client.js'; // lazy

const threads = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads'); // loaded when threads start

const FILES: Record<Variant, string> = { shared: 'kernels.wasm', noshared: 'kernels.noshared.wasm', relaxed: 'kernels.relaxed.wasm' };

function locate(v: Variant): string {
  const dirs = ['../', '../../dist/', './', '../dist/'];
  for (const d of dirs) {
    const p = fileURLToPath(new URL(d + FILES[v], import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new KernelError(`mxwasm: cannot find ${FILES[v]} (run npm run build)`);
}

/**
 * The parent's Node options for a worker that runs a file: without `--input-type` (a worker refuses it for a file:
 * `node --input-type=module -e "..."` apps lost their data-parallel workers) and without the eval'd script.
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const a = process.execArgv;
  for (let i = 0; i < a.length; i++) {
    if (['--input-type', '-e', '--eval', '-p', '--print'].includes(a[i])) i++;
    else if (!a[i].startsWith('--input-type=') && !/^--(eval|print)=/.test(a[i])) out.push(a[i]);
  }
  return out;
}

// worker_threads take a shared WebAssembly.Memory in every Node version (Bun, which runs this entry too, is probed).
if (!process.versions.bun) knowSharedPostable(true);

setSourceProvider({
  sync: (v) => new WebAssembly.Module(readFileSync(locate(v)) as unknown as BufferSource),
  async: async (v) => new WebAssembly.Module(readFileSync(locate(v)) as unknown as BufferSource),
});

setThreadPlatform({
  spawn: (source) => {
    const w = new (threads().Worker)(source, { eval: true, execArgv: [] }); // plain JS: no --input-type=module or loaders from the parent
    return {
      postMessage: (m, t) => w.postMessage(m, t as TransferListItem[] | undefined), terminate: () => w.terminate(), unref: () => w.unref(),
      onMessage: (f) => { w.on('message', f); }, onError: (f) => { w.on('error', f); }, onExit: (f) => { w.on('exit', f); },
    };
  },
  supervised: true,
  spawnModule: () => {
    // dist/node/dp-worker.js beside the bundle, or the TypeScript sources through a tsx bootstrap.
    const c = ['./dp-worker.js', '../parallel/dp-worker-dev.mjs'].map((f) => new URL(f, import.meta.url)).find((u) => existsSync(fileURLToPath(u)));
    if (!c) throw new KernelError('mxwasm: dp-worker entry not found (run npm run build)');
    const w = new (threads().Worker)(c, { execArgv: workerExecArgv() });
    return {
      postMessage: (m, t) => w.postMessage(m, t as TransferListItem[] | undefined), terminate: () => w.terminate(), unref: () => w.unref(),
      onMessage: (f) => { w.on('message', f); }, onError: (f) => { w.on('error', f); },
    };
  },
  cores: () => availableParallelism(),
  canBlock: true,
});

// mx.kv.create('dist_sync'): the parameter-server store (zeromq is loaded by its network thread only).
setDistFactory((name) => new psClient.DistKVStore(name));

export * from '../index.js';
export * as kvDist from '../kv/ps/index.js'; // lazy
