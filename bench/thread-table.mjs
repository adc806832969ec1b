// The issue-16 thread table from `bench/run.mjs --json` files of the same rows at 1 and at N threads (the N-thread
// file's `mxwasm-1t` column is the same instance on the calling thread alone, interleaved, so the speedup comes from
// one process): per row, 1 and N thread medians, the speedup, onnxruntime-web at 1 and N threads as ratios
// (ort time / mxwasm time, > 1: mxwasm faster), and the target (never slower than one thread; >= 1.7x above 2 ms).
// Several N-thread files with the same row (separate processes): each one's speedup is listed, the target is judged on
// their geometric mean, and the ms columns are the first file's.
//   node bench/thread-table.mjs out/t2-*.json out/t1-*.json [--md out.md]
import { readFileSync, writeFileSync } from 'node:fs';

const argv = process.argv.slice(2), files = [];
let md = '';
for (let i = 0; i < argv.length; i++) { if (argv[i] === '--md') md = argv[++i]; else files.push(argv[i]); }
const rows = new Map(), envs = [];
for (const f of files) {
  let j;
  try { j = JSON.parse(readFileSync(f, 'utf8')); } catch { continue; } // a step cut short by its time limit
  const T = j.env.mxwasm.threads;
  envs.push(`${f.split('/').pop()}: ${T} thread(s), load ${j.env.loadavgStart.join(' ')} -> ${j.env.loadavgEnd.join(' ')}, commit ${j.env.commit}${j.env.dispatchUs ? `, empty parallel call ${j.env.dispatchUs} µs` : ''}${j.env.workerShare != null ? `, workers ran ${(100 * j.env.workerShare).toFixed(0)}% of parts` : ''}`);
  for (const r of j.results) {
    const e = rows.get(r.name) ?? { name: r.name };
    const m = (k) => r.impls[k]?.[r.impls[k].stat ?? 'median_ms']; // stat: a fresh-output row's trimmed mean
    if (T > 1) {
      e.T = T; e.many ??= m('mxwasm'); e.oneI ??= m('mxwasm-1t'); e.ortN ??= m('ort-web');
      if (m('mxwasm') && m('mxwasm-1t')) (e.sps ??= []).push(m('mxwasm-1t') / m('mxwasm'));
    }
    else { e.one = m('mxwasm'); e.ort1 = m('ort-web'); }
    rows.set(r.name, e);
  }
}
const f = (v) => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3));
const x = (a, b) => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`);
const T = [...rows.values()].find((e) => e.T)?.T ?? 2;
const out = [
  `| row | mxwasm 1 thread ms (interleaved) | mxwasm ${T} threads ms | speedup | target | ort-web 1 thread: ratio | ort-web ${T} threads: ratio |`,
  '|---|---:|---:|---:|---|---:|---:|',
];
let met = 0, all = 0;
for (const e of rows.values()) {
  const sp = e.sps?.length ? Math.exp(e.sps.reduce((a, v) => a + Math.log(v), 0) / e.sps.length) : undefined;
  const need = e.oneI > 2 ? 1.7 : 1;
  const ok = sp === undefined ? '-' : sp >= need * 0.98 ? `met (>= ${need})` : `**missed** (>= ${need})`; // 2%: the medians' own noise
  if (sp !== undefined) { all++; if (sp >= need * 0.98) met++; }
  out.push(`| ${e.name} | ${f(e.oneI)} | ${f(e.many)} | ${sp ? sp.toFixed(2) + 'x' + (e.sps.length > 1 ? ` (${e.sps.map((v) => v.toFixed(2)).join(' / ')})` : '') : '-'} | ${ok} | ${x(e.ort1, e.one)} | ${x(e.ortN, e.many)} |`);
}
out.push('', `Thread target met on ${met} of ${all} rows (2% allowance for the medians' noise).`, '', ...envs.map((s) => `- ${s}`));
console.log(out.join('\n'));
if (md) writeFileSync(md, out.join('\n') + '\n');
