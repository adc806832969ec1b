// `npm test`: runs every test/**/*.test.ts (uvu) in one Node process with TypeScript via tsx, under a watchdog:
// a file that runs longer than MXWASM_TEST_TIMEOUT seconds (default 600; the slowest file, fuzz.test.ts, takes
// ~100-130 s on the loaded 2-core VM) is failed by name, the test process and every process under it are
// killed, and the files not yet run go on in a fresh process; a test process that dies, or that does not exit that
// long after its last file, is handled the same way.
// Usage: node scripts/test.mjs [filter-substring ...]   (MXWASM_TEST_ROOT: another folder to collect from)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ensureBuilt } from './ensure-built.mjs';
import { join, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A fresh clone's first `npm test` builds dist/ (npm install builds nothing; see scripts/ensure-built.mjs).
ensureBuilt();
const walk = (d) => readdirSync(d).flatMap((f) => {
  const p = join(d, f);
  return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
});
const filters = process.argv.slice(2);
const files = walk(resolve(root, process.env.MXWASM_TEST_ROOT ?? 'test')).sort().filter((f) => !filters.length || filters.some((x) => relative(root, f).includes(x)));
if (!files.length) { console.error('no test files matched'); process.exit(1); }
const limit = Number(process.env.MXWASM_TEST_TIMEOUT ?? 600);
if (!(limit > 0)) { console.error(`MXWASM_TEST_TIMEOUT=${process.env.MXWASM_TEST_TIMEOUT}: a number of seconds > 0`); process.exit(1); }
const env = {
  ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0', MXWASM_TEST_REPORT_FD: '3',
  // MXWASM_THREAD_ADAPT=0: threaded tests take the threaded path on every call, however loaded the machine (the
  // small-call cost model, which may keep calls on one thread there, has its own test: test/parallel/adaptive.test.ts);
  // MXWASM_TINY_MS=0 likewise for the tiny-program choice (test/parallel/tiny-program.test.ts).
  MXWASM_THREAD_ADAPT: process.env.MXWASM_THREAD_ADAPT ?? '0', MXWASM_TINY_MS: process.env.MXWASM_TINY_MS ?? '0',
};

/** Every process under `pid` (children first found, then theirs): a browser a test started sits in its own group. */
function tree(pid) {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid='], { encoding: 'utf8' });
  // Without ps (a slim container): /proc/<pid>/stat, whose 4th field is the parent.
  const rows = ps.stdout ? ps.stdout.split('\n') : (existsSync('/proc') ? readdirSync('/proc') : []).filter((d) => /^\d+$/.test(d)).map((d) => {
    try { return `${d} ${readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]}`; } catch { return ''; }
  });
  const kids = new Map();
  for (const l of rows) {
    const [p, pp] = l.trim().split(/\s+/).map(Number);
    if (p) kids.set(pp, [...(kids.get(pp) ?? []), p]);
  }
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...(kids.get(all[i]) ?? []));
  return all;
}

const t0 = Date.now();
const totals = { passed: 0, failed: 0, skipped: 0 }, times = [], outside = new Map();
/** Runs `todo` in one test process; resolves with the files it finished and, if it stopped early, why. */
function batch(todo) {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'run-tests.mjs'), ...todo], { cwd: root, stdio: ['inherit', 'inherit', 'inherit', 'pipe'], env });
    const finished = new Set();
    let current, phase, timer, culprit, failedHere = 0;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const pids = tree(child.pid), doing = phase === 'exit' ? 'exiting after its last test (a handle left open?)' : phase === 'import' ? 'loading it' : 'running it';
        culprit = { file: current, why: `timed out after ${limit} s while ${doing} (MXWASM_TEST_TIMEOUT); killed the test process and its ${pids.length - 1} child process(es)` };
        for (const p of pids) try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ }
      }, limit * 1000);
    };
    createInterface({ input: child.stdio[3] }).on('line', (l) => {
      const m = JSON.parse(l);
      if (m.phase) { current = m.file; phase = m.phase; arm(); } else if (m.imported) { clearTimeout(timer); outside.set(m.file, m.outside); } else if (m.done) {
        clearTimeout(timer);
        finished.add(m.file);
        // A file's top-level skips (counted at its import) count once it ran: a file loaded again is not counted twice.
        totals.passed += m.passed; totals.failed += m.failed; totals.skipped += m.skipped + (outside.get(m.file) ?? 0);
        failedHere += m.failed;
        times.push([relative(root, m.file), m.ms]);
        // The last file done: the process should exit at once; a server or timer a test left open keeps it alive.
        if (finished.size === todo.length) { phase = 'exit'; arm(); }
      }
    });
    // 'exit', not 'close': a process a test left running holds the report pipe open (it inherited it). Its last lines,
    // written synchronously before the exit, are read before the pipe's end or within a second.
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      const pipe = child.stdio[3];
      if (pipe.closed) return settle(code, sig);
      const end = setTimeout(() => pipe.destroy(), 1000);
      pipe.on('close', () => { clearTimeout(end); settle(code, sig); });
    });
    const settle = (code, sig) => {
      const how = `the test process exited (${sig ?? `code ${code}`})`;
      // Dead before it loaded any file (no tsx, a broken runner): every fresh process would die the same way.
      if (!culprit && current === undefined) culprit = { file: todo[0], why: `${how} before loading any file: stopping`, fatal: true };
      else if (!culprit && finished.size < todo.length) culprit = { file: current, why: `${how} while ${phase === 'import' ? 'loading' : 'running'} it` };
      // Every file ran, no test failed, yet the process failed (e.g. an unhandled rejection after the last test).
      else if (!culprit && code !== 0 && !failedHere) culprit = { file: current, why: `${how} after its last test` };
      done({ finished, culprit });
    };
  });
}

let todo = files;
while (todo.length) {
  const { finished, culprit } = await batch(todo);
  if (!culprit) break;
  totals.failed++;
  process.stdout.write(`\n  FAIL ${relative(root, culprit.file)}: ${culprit.why}\n`);
  todo = culprit.fatal ? [] : todo.filter((f) => !finished.has(f) && f !== culprit.file);
  if (todo.length) process.stdout.write(`  (${todo.length} file(s) left: going on in a new test process)\n\n`);
}
// Where the suite's time goes (CI must stay under 30 minutes): the slowest files.
const slow = times.sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, ms]) => `${n} ${(ms / 1000).toFixed(1)} s`);
process.stdout.write(`\n  Slowest: ${slow.join(', ')}\n\n  Duration: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed ? 1 : 0);
