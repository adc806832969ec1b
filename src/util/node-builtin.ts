// Node built-in modules loaded on first use rather than at import: the library's import is a cold start that a
// serverless request or a CLI call pays every time, and child_process + net cost ~6 ms of it, worker_threads
// ~3 ms, for features (launch, the distributed KVStore, threads) most processes never use. Node-only files
// import this (the browser and edge bundles never reach it).
import { createRequire } from 'node:module';

let req: NodeJS.Require | undefined;

/**
 * A getter for a Node built-in module, required the first time it is called.
 * @example const cp = nodeBuiltin<typeof import('node:child_process')>('node:child_process'); cp().spawn('ls')
 */
export function nodeBuiltin<T>(id: string): () => T {
  let m: T | undefined;
  return () => (m ??= (req ??= createRequire(import.meta.url))(id) as T);
}
