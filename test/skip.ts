// Skips, counted: a test that cannot run here (no Chromium, no Deno, no ../shared/fixtures) calls `skip(why)`
// and returns; scripts/run-tests.mjs counts it as skipped, not passed. Called at a file's top level (the
// file registers no tests then), it counts as one skipped test. The reason is printed once.
const KEY = Symbol.for('mxwasm.test.skips');
/** The counters scripts/run-tests.mjs reads (`running` is true while a suite's tests run). */
export interface SkipCounter { running: boolean; inTest: number; outside: number }
const g = globalThis as unknown as Record<symbol, SkipCounter>;
const counter = (g[KEY] ??= { running: false, inTest: 0, outside: 0 });
const said = new Set<string>();

/**
 * Marks the running test (or, at top level, the file) as skipped and says why (once per reason).
 * @example test('needs chromium', () => { if (!env) return skip('no chromium'); ... });
 */
export function skip(why: string): void {
  if (counter.running) counter.inTest++; else counter.outside++;
  if (!said.has(why)) { said.add(why); console.log(`  SKIP ${why}`); }
}
