// Loads the given test files as uvu suites and runs them together (see scripts/test.mjs). uvu's own
// runner counts a test that returned early (no Chromium, no Deno, no fixtures) as passed; this one runs
// uvu's queued suites itself and counts those as skipped (test/skip.ts). Under scripts/test.mjs it reports
// each file's start and counts as JSON lines on the fd MXWASM_TEST_REPORT_FD (the watchdog that times out a
// hung file, and prints the summary); run alone it ENDS with one plain line:
//   N passed, N failed, N skipped
import { writeSync } from 'node:fs';
import { basename } from 'node:path';

const files = process.argv.slice(2);
const skips = (globalThis[Symbol.for('mxwasm.test.skips')] ??= { running: false, inTest: 0, outside: 0 });
const fd = process.env.MXWASM_TEST_REPORT_FD ? Number(process.env.MXWASM_TEST_REPORT_FD) : -1;
// A synchronous write: it reaches the watchdog even if the file then blocks the event loop for good.
const report = (m) => { if (fd >= 0) writeSync(fd, JSON.stringify(m) + '\n'); };

globalThis.UVU_DEFER = 1;
await import('uvu'); // creates globalThis.UVU_QUEUE
for (const [i, file] of files.entries()) {
  globalThis.UVU_INDEX = i;
  globalThis.UVU_QUEUE.push([basename(file)]);
  const before = skips.outside;
  report({ file, phase: 'import' });
  await import('file:///' + file.replace(/^\//, ''));
  report({ file, imported: true, outside: skips.outside - before });
}

const t0 = Date.now();
let passed = 0, failed = 0, skipped = 0;
const out = (s) => process.stdout.write(s);
const times = [];
for (const [i, group] of globalThis.UVU_QUEUE.entries()) {
  const name = group.shift();
  if (name != null) out(`${name}\n`);
  report({ file: files[i], phase: 'run' });
  const tg = Date.now(), n = [passed, failed, skipped];
  for (const suite of group) {
    const before = skips.inTest;
    skips.running = true;
    let errs, ran, skip, total;
    try { [errs, ran, skip, total] = await suite(); } finally { skips.running = false; }
    // Tests that called skip() and returned passed in uvu's eyes: move them (at most all that passed).
    const early = Math.min(skips.inTest - before, ran);
    passed += ran - early;
    skipped += skip + early;
    failed += total - ran;
    if (errs !== true && errs.length) out(`\n${errs}\n`);
  }
  times.push([name, Date.now() - tg]);
  report({ file: files[i], done: true, ms: Date.now() - tg, passed: passed - n[0], failed: failed - n[1], skipped: skipped - n[2] });
}
if (fd < 0) {
  // Where the suite's time goes (CI must stay under 30 minutes): the slowest files.
  const slow = times.sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, ms]) => `${n} ${(ms / 1000).toFixed(1)} s`);
  out(`\n  Slowest: ${slow.join(', ')}\n`);
  skipped += skips.outside;
  out(`\n  Duration: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  out(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
}
process.exitCode = failed ? 1 : 0;
