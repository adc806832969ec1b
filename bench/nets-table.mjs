// Markdown table of bench/run.mjs JSON files taken at 1 and 2 threads: per row mxwasm's median, onnxruntime-web's
// and tfjs-wasm's ratios (peer time / mxwasm time, > 1: mxwasm faster) at each thread count, and whether the issue-16
// target (>= 1.3x onnxruntime-web) is met. tfjs-wasm has no threads in Node: its 2-thread ratio divides its 1-thread
// time (from the 1-thread files) by mxwasm's 2-thread time.
// Usage: node bench/nets-table.mjs a.json b.json ... [--md out.md] [--target 1.3]
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2), files = [], o = { target: 1.3 };
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--md') o.md = args[++i];
  else if (args[i] === '--target') o.target = Number(args[++i]);
  else files.push(args[i]);
}
const rows = new Map(), notes = [];
for (const f of files) {
  let j;
  try { j = JSON.parse(readFileSync(f, 'utf8')); } catch { continue; } // a step cut short leaves no file
  const t = j.env.mxwasm.threads;
  notes.push(`- ${f.split('/').pop()}: ${t} thread(s), commit ${j.env.commit}, load ${j.env.loadavgStart.join(' ')} -> ${j.env.loadavgEnd.join(' ')}`);
  for (const r of j.results) {
    const row = rows.get(r.name) ?? {};
    for (const [impl, s] of Object.entries(r.impls)) if (s?.median_ms) row[`${impl}@${t}`] = s[s.stat ?? 'median_ms'];
    rows.set(r.name, row);
  }
}
const ms = (x) => (x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (peer, ours) => (peer && ours ? peer / ours : undefined);
const cell = (r) => (r === undefined ? '-' : r >= o.target ? `${r.toFixed(2)}x` : `**${r.toFixed(2)}x**`);
const head = ['row', 'mxwasm 1t ms', 'ort-web 1t', 'tfjs-wasm 1t', 'mxwasm 2t ms', 'ort-web 2t', 'tfjs-wasm (1t) vs mxwasm 2t', '2t vs 1t (interleaved)'];
const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`];
let met = 0, missed = 0;
for (const [name, r] of rows) {
  const m1 = r['mxwasm@1'], m2 = r['mxwasm@2'], o1 = ratio(r['ort-web@1'], m1), o2 = ratio(r['ort-web@2'], m2);
  for (const x of [o1, o2]) if (x !== undefined) { if (x >= o.target) met++; else missed++; }
  const sp = ratio(r['mxwasm-1t@2'], m2);
  lines.push(`| ${name} | ${ms(m1)} | ${cell(o1)} | ${cell(ratio(r['tfjs-wasm@1'], m1))} | ${ms(m2)} | ${cell(o2)} | ${cell(ratio(r['tfjs-wasm@1'] ?? r['tfjs-wasm@2'], m2))} | ${sp === undefined ? '-' : `${sp.toFixed(2)}x`} |`);
}
const md = [...lines, '', `Ratios = peer time / mxwasm time (interleaved medians); bold: under ${o.target}x. onnxruntime-web cells at or above ${o.target}x: ${met} of ${met + missed}.`, '', ...notes].join('\n');
if (o.md) writeFileSync(o.md, `${md}\n`);
console.log(md);
