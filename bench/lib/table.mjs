// The terminal table: one row per workload, mxwasm's time and GFLOP/s, then each peer as
// "GFLOP/s (ratio)" where ratio = peer time / mxwasm time (> 1: mxwasm is faster).

const fmt = (x, d = 1) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(d) : x.toFixed(d + 1));
const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

/**
 * Formats results (see bench/README.md) as an aligned text table, or as Markdown with `markdown`.
 * @example console.log(formatTable(results, ['tfjs-wasm', 'ort-web']))
 */
export function formatTable(results, peers, { markdown = false, cpu = false } = {}) {
  const shown = peers.filter((p) => results.some((r) => r.impls[p]));
  // cpu: use the per-run process CPU time instead of wall-clock time (less sensitive to descheduling).
  const t = (s) => (cpu ? s.cpu_median_ms : s[s.stat ?? 'median_ms']); // stat: a fresh-output row's trimmed mean
  const gf = (r, s) => (r.flops && t(s) ? r.flops / t(s) / 1e6 : undefined);
  const head = ['workload', `mxwasm ${cpu ? 'cpu ' : ''}ms`, 'GFLOP/s', ...shown.map((p) => `${p} (x)`)];
  const rows = results.map((r) => {
    const o = r.impls.mxwasm;
    const cells = [r.name, o ? ms(t(o)) : '-', o && gf(r, o) ? fmt(gf(r, o)) : '-'];
    for (const p of shown) {
      const s = r.impls[p];
      if (!s || t(s) === undefined) { cells.push('-'); continue; }
      const val = gf(r, s) ? fmt(gf(r, s)) : `${ms(t(s))} ms`;
      cells.push(o ? `${val} (${(t(s) / t(o)).toFixed(2)}x)` : val);
    }
    return cells;
  });
  if (markdown) {
    const line = (c) => `| ${c.join(' | ')} |`;
    return [line(head), line(head.map((_, i) => (i ? '---:' : '---'))), ...rows.map(line)].join('\n');
  }
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c) => c.map((x, i) => (i ? x.padStart(w[i]) : x.padEnd(w[i]))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}
