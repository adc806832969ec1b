// `npm test`: runs every test/**/*.test.ts (uvu) in one Node process with TypeScript via tsx.
// Usage: node scripts/test.mjs [filter-substring ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { ensureBuilt } from './ensure-built.mjs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A fresh clone's first `npm test` builds dist/ (npm install builds nothing; see scripts/ensure-built.mjs).
ensureBuilt();
const walk = (d) => readdirSync(d).flatMap((f) => {
  const p = join(d, f);
  return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
});
const filters = process.argv.slice(2);
const files = walk(join(root, 'test')).sort().filter((f) => !filters.length || filters.some((x) => relative(root, f).includes(x)));
if (!files.length) { console.error('no test files matched'); process.exit(1); }
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'run-tests.mjs'), ...files], {
  // MXWASM_THREAD_ADAPT=0: threaded tests take the threaded path on every call, however loaded the machine (the
  // small-call cost model, which may keep calls on one thread there, has its own test: test/parallel/adaptive.test.ts);
  // MXWASM_TINY_MS=0 likewise for the tiny-program choice (test/parallel/tiny-program.test.ts).
  cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0', MXWASM_THREAD_ADAPT: process.env.MXWASM_THREAD_ADAPT ?? '0',
    MXWASM_TINY_MS: process.env.MXWASM_TINY_MS ?? '0' },
});
process.exit(r.status ?? 1);
