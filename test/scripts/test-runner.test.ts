// scripts/test.mjs's watchdog, for real: the runner over fixture files where one test awaits forever
// (holding a process in its own group, as a browser does) and one file spins at import fails those two
// files by name, kills the process tree, finishes the other files and prints the summary line; a process a leaked
// timer keeps alive after its last file is failed too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/** Alive and not a zombie (a zombie's parent, the killed test process, is gone: init reaps it). */
function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync('/proc/self/stat')) return existsSync(stat) && !/\) Z /.test(readFileSync(stat, 'utf8'));
  try { process.kill(pid, 0); return true; } catch { return false; }
}

test('a file that hangs (awaiting, spinning at import, or keeping the process alive) is failed by name and killed with its processes; the rest run', () => {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(root, '.tmp', 'runner-'));
  const pass = `import { test } from 'uvu';\ntest('passes', () => {});\ntest.run();\n`;
  writeFileSync(join(dir, 'a.test.ts'), pass);
  writeFileSync(join(dir, 'b-await.test.ts'), `import { test } from 'uvu';\nimport { spawn } from 'node:child_process';\nimport { writeFileSync } from 'node:fs';
test('awaits forever', async () => {
  const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  writeFileSync(${JSON.stringify(join(dir, 'pid'))}, String(c.pid));
  await new Promise(() => {});
});\ntest.run();\n`);
  writeFileSync(join(dir, 'c.test.ts'), pass);
  writeFileSync(join(dir, 'd-spin.test.ts'), `import { test } from 'uvu';\nfor (;;) {}\n`);
  writeFileSync(join(dir, 'e-leak.test.ts'), `import { test } from 'uvu';\ntest('passes, leaves a timer', () => { setInterval(() => {}, 1000); });\ntest.run();\n`);
  try {
    const r = spawnSync(process.execPath, [join(root, 'scripts/test.mjs')], { cwd: root, encoding: 'utf8', timeout: 120_000,
      env: { ...process.env, MXWASM_TEST_ROOT: dir, MXWASM_TEST_TIMEOUT: '4' } });
    const out = r.stdout + r.stderr, rel = dir.slice(root.length);
    assert.is(r.status, 1, out);
    assert.match(out, `FAIL ${rel}/b-await.test.ts: timed out after 4 s while running it`, out);
    assert.match(out, `FAIL ${rel}/d-spin.test.ts: timed out after 4 s while loading it`, out);
    assert.match(out, `FAIL ${rel}/e-leak.test.ts: timed out after 4 s while exiting after its last test`, out);
    assert.ok(out.trimEnd().endsWith('\n3 passed, 3 failed, 0 skipped'), out);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    for (let i = 0; i < 50 && alive(pid); i++) spawnSync('sleep', ['0.1']);
    assert.ok(!alive(pid), `the test's own child process ${pid} was left running`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
