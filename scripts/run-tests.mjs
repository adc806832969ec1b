// Loads the given test files as uvu suites and runs them together (see scripts/test.mjs). uvu's own
// runner counts a test that returned early (no Chromium, no Deno, no fixtures) as passed; this one runs
// uvu's queued suites itself and counts those as skipped (test/skip.ts), then ENDS with one plain line:
//   N passed, N failed, N skipped
import { basename } from 'node:path';

const files = process.argv.slice(2);
const skips = (globalThis[Symbol.for('mxwasm.test.skips')] ??= { running: false, inTest: 0, outside: 0 });

globalThis.UVU_DEFER = 1;
await import('uvu'); // creates globalThis.UVU_QUEUE
for (const [i, file] of files.entries()) {
  globalThis.UVU_INDEX = i;
  globalThis.UVU_QUEUE.push([basename(file)]);
  await import('file:///' + file.replace(/^\//, ''));
}

const t0 = Date.now();
let passed = 0, failed = 0, skipped = 0;
const out = (s) => process.stdout.write(s);
const times = [];
for (const group of globalThis.UVU_QUEUE) {
  const name = group.shift();
  if (name != null) out(`${name}\n`);
  const tg = Date.now();
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
}
// Where the suite's time goes (CI must stay under 30 minutes): the slowest files.
const slow = times.sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, ms]) => `${n} ${(ms / 1000).toFixed(1)} s`);
out(`\n  Slowest: ${slow.join(', ')}\n`);
skipped += skips.outside;
out(`\n  Duration: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
out(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed ? 1 : 0;
