// Cold start in Node: fresh processes that import a library and run one tiny op, against an empty ESM script,
// alternated round by round (the 2 shared vCPUs' load hits every variant alike); medians of CPU time (user +
// sys, reported by the child at its last line: robust to being descheduled; and to its exit) and of wall time (spawn to exit).
//   node bench/cold-start.mjs [--rounds 15] [--peers] [--phases] [--json out.json] [--variant name ...] [--alt dist-dir]
// --phases: the mxwasm child also reports its import and first-op times (CPU and wall).
// Variants: empty, mxwasm (import dist/node/index.js + elemwise_add of 4 values read back), mxwasm-nocache (the
// same with MXWASM_CODE_CACHE=0: no V8 code cache, as the first process after an install), mxwasm-require
// (the same through require of dist/node/index.cjs, measured over empty-cjs: an empty CommonJS script, which skips
// the ESM loader an empty .mjs starts: ~140 page faults / 5-10 ms less, so over the ESM empty script require looked
// that much cheaper than it is), --peers adds tfjs-wasm and ort-web (import + one add).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.tmp', 'cold-start');
const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const rounds = +arg('--rounds', 15);
const lib = pathToFileURL(join(root, 'dist', 'node', 'index.js')).href;

// Each child ends by printing one JSON line: its own CPU time so far and, where measured, its phases.
// pf: minor page faults (fresh memory touched: on the VM of BENCHMARKS.md each costs ~25 us, and their count does not
// depend on the load); cache: the Node loader's code-cache status (hit, miss, rejected, off) where mxwasm ran.
// At its 'exit' event it also reports its CPU time to exit on stderr (process._rawDebug: no stream is created), which
// counts what runs after the line (a first console.log, a GC it triggers, the event loop's last turns; not the
// teardown after 'exit', which the wall time holds).
const END = `const __c = process.cpuUsage(); console.log(JSON.stringify({ cpu: (__c.user + __c.system) / 1000, pf: process.resourceUsage().minorPageFault, ` +
  `cache: globalThis[Symbol.for('mxwasm.codeCache')]?.status, ...(globalThis.__phases ?? {}) }));\n` +
  `process.on('exit', () => { const c = process.cpuUsage(); process._rawDebug?.(JSON.stringify({ cpuExit: (c.user + c.system) / 1000 })); });`;
// (process.hrtime, not performance.now(): the \`performance\` global loads perf_hooks, ~5 ms the empty script never pays.)
const PHASE = `const __cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const __now = () => Number(process.hrtime.bigint()) / 1e6;
const __p = {}; globalThis.__phases = __p; let __t = __now(), __u = __cpu();
const __mark = (k) => { const t = __now(), u = __cpu(); __p[k + 'Wall'] = t - __t; __p[k + 'Cpu'] = u - __u; __t = t; __u = u; };`;
const VARIANTS = {
  empty: { file: 'empty.mjs', src: END },
  'empty-cjs': { file: 'empty.cjs', src: END },
  mxwasm: {
    file: 'mxwasm.mjs',
    src: `${PHASE}\nconst mx = await import(${JSON.stringify(lib)}); __mark('import');\n` +
      `const a = mx.nd.array([1, 2, 3, 4]); mx.nd.elemwise_add(a, a).toArray(); __mark('op');\n${END}`,
  },
  // The same without the on-disk V8 code cache of dist/node/index.cjs's loader (a process's first import ever).
  'mxwasm-nocache': { file: 'mxwasm.mjs', env: { MXWASM_CODE_CACHE: '0' } },
  'mxwasm-require': {
    file: 'mxwasm-require.cjs', over: 'empty-cjs',
    src: `const mx = require(${JSON.stringify(join(root, 'dist', 'node', 'index.cjs'))});\n` +
      `const a = mx.nd.array([1, 2, 3, 4]); mx.nd.elemwise_add(a, a).toArray();\n${END}`,
  },
  // --alt <dir>: the same script against another build's dist/ (an A/B of two builds in the same rounds).
  'mxwasm-alt': {
    file: 'mxwasm-alt.mjs',
    src: `const mx = await import(${JSON.stringify(pathToFileURL(join(arg('--alt', '.'), 'node', 'index.js')).href)});\n` +
      `const a = mx.nd.array([1, 2, 3, 4]); mx.nd.elemwise_add(a, a).toArray();\n${END}`,
  },
  'tfjs-wasm': {
    file: 'tfjs.mjs', peer: true,
    src: `const tf = await import('@tensorflow/tfjs-core'); await import('@tensorflow/tfjs-backend-wasm'); await tf.setBackend('wasm');\n` +
      `const a = tf.tensor([1, 2, 3, 4]); tf.add(a, a).dataSync();\n${END}`,
  },
  'ort-web': {
    file: 'ort.mjs', peer: true,
    // The smallest model: one Add of two [4] inputs, ONNX bytes written by the bench's encoder.
    src: `const ort = await import('onnxruntime-web'); ort.env.wasm.numThreads = 1;\n` +
      `const { readFileSync } = await import('node:fs'); const s = await ort.InferenceSession.create(readFileSync(${JSON.stringify(join(dir, 'add.onnx'))}));\n` +
      `const x = new ort.Tensor('float32', new Float32Array([1, 2, 3, 4]), [4]); (await s.run({ a: x, b: x })).c.data;\n${END}`,
  },
};

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN; };

async function main() {
  mkdirSync(dir, { recursive: true });
  const chosen = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--variant' ? [a] : []));
  const names = chosen.length ? ['empty', ...chosen.filter((n) => n !== 'empty')]
    : Object.keys(VARIANTS).filter((n) => (!VARIANTS[n].peer || process.argv.includes('--peers')) && (n !== 'mxwasm-alt' || arg('--alt')));
  // A variant measured over another empty script gets that one in the same rounds.
  for (const n of [...names]) if (VARIANTS[n].over && !names.includes(VARIANTS[n].over)) names.splice(1, 0, VARIANTS[n].over);
  if (names.includes('ort-web')) {
    const { onnxModel } = await import('./lib/onnx.mjs');
    writeFileSync(join(dir, 'add.onnx'), onnxModel({ nodes: [['Add', ['a', 'b'], ['c']]], inputs: [['a', [4]], ['b', [4]]], outputs: [['c', [4]]] }));
  }
  for (const n of names) if (VARIANTS[n].src) writeFileSync(join(dir, VARIANTS[n].file), VARIANTS[n].src);
  const res = Object.fromEntries(names.map((n) => [n, []]));
  const load0 = loadavg()[0];
  // One warm-up process each (file system cache, any on-disk code cache), then alternating rounds.
  // A time limit (SIGTERM, e.g. from `timeout`) ends the run with the table of the rounds done so far.
  let done = 0;
  const stop = () => { process.stderr.write(`\nSIGTERM: ${done} rounds done\n`); if (done) report(names, res, done, load0); process.exit(done ? 0 : 1); };
  process.once('SIGTERM', stop); // (\`timeout\` signals the whole process group: a child ended by it stops the run too)
  for (let r = -1; r < rounds; r++) {
    await new Promise((res) => setImmediate(res)); // lets a SIGTERM in between rounds
    const order = r % 2 ? names : [...names].reverse();
    for (const n of order) {
      const t0 = performance.now();
      // A code-cache directory of the bench's own: the shared default keeps 8 caches, so other processes of the
      // machine's user (tests, other builds) could prune this build's cache between rounds (a miss is +40 ms).
      const p = spawnSync(process.execPath, [join(dir, VARIANTS[n].file)], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', MXWASM_CODE_CACHE: join(dir, 'code-cache'), ...VARIANTS[n].env } });
      const wall = performance.now() - t0;
      if (p.signal === 'SIGTERM') stop();
      const line = p.stdout.trim().split('\n').pop();
      if (p.status !== 0 || !line?.startsWith('{')) throw new Error(`${n}: exit ${p.status}\n${p.stderr}`);
      const atExit = p.stderr.trim().split('\n').pop();
      if (r >= 0) res[n].push({ wall, ...JSON.parse(line), ...(atExit?.startsWith('{"cpuExit"') ? JSON.parse(atExit) : {}) });
    }
    if (r >= 0) done++;
    process.stderr.write(`\rround ${r + 1}/${rounds}`);
  }
  process.stderr.write('\n');
  report(names, res, rounds, load0);
}

function report(names, resAll, rounds, load0) {
  const res = Object.fromEntries(names.map((n) => [n, resAll[n].slice(0, rounds)])); // the rounds every variant finished
  const out = {};
  console.log(`Node ${process.version}, ${rounds} alternating rounds, load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
  console.log('| variant | CPU ms (median) | over empty | CPU to exit over empty | wall ms (median) | over empty | page faults over empty | code cache |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  // "empty" is an empty ESM script; a variant with `over` (require) is measured over that empty script instead.
  for (const n of names) {
    const cpu = median(res[n].map((x) => x.cpu)), wall = median(res[n].map((x) => x.wall));
    // Per round difference to the same round's empty process, then the median: steadier than a difference of medians.
    const e = res[VARIANTS[n].over ?? 'empty'];
    const dCpu = median(res[n].map((x, i) => x.cpu - e[i].cpu)), dWall = median(res[n].map((x, i) => x.wall - e[i].wall));
    const dPf = median(res[n].map((x, i) => x.pf - e[i].pf)), dExit = median(res[n].map((x, i) => x.cpuExit - e[i].cpuExit));
    const caches = [...new Set(res[n].map((x) => x.cache).filter(Boolean))].map((c) => `${c} ${res[n].filter((x) => x.cache === c).length}`).join(', ');
    out[n] = { ...(VARIANTS[n].over ? { over: VARIANTS[n].over } : {}), cpu_ms: cpu, wall_ms: wall,
      over_empty_cpu_ms: dCpu, over_empty_cpu_to_exit_ms: dExit, over_empty_wall_ms: dWall, over_empty_page_faults: dPf, ...(caches ? { code_cache: caches } : {}) };
    const phases = Object.keys(res[n][0]).filter((k) => /(Wall|Cpu)$/.test(k));
    for (const k of phases) out[n][k] = median(res[n].map((x) => x[k]));
    const over = (d, k = 1) => (n === 'empty' ? '' : `${d < 0 ? '' : '+'}${d.toFixed(k)}`);
    console.log(`| ${VARIANTS[n].over ? `${n} (over ${VARIANTS[n].over})` : n} | ${cpu.toFixed(1)} | ${over(dCpu)} | ${over(dExit)} | ${wall.toFixed(1)} | ${over(dWall)} | ${over(dPf, 0)} | ${caches} |`);
    if (phases.length && process.argv.includes('--phases')) console.log(`  phases (medians): ${phases.map((k) => `${k} ${out[n][k].toFixed(1)}`).join(', ')}`);
  }
  // This build against --alt's, paired per round (steadier than the difference of the two medians above).
  if (res.mxwasm?.length && res['mxwasm-alt']?.length) {
    const alt = res['mxwasm-alt'], d = (k) => median(res.mxwasm.map((x, i) => x[k] - alt[i][k]));
    out.paired = { variant: 'mxwasm - mxwasm-alt', cpu_ms: d('cpu'), cpu_to_exit_ms: d('cpuExit'), wall_ms: d('wall'), page_faults: d('pf') };
    console.log(`paired per round, mxwasm - mxwasm-alt: CPU ${d('cpu').toFixed(1)} ms, to exit ${d('cpuExit').toFixed(1)} ms, wall ${d('wall').toFixed(1)} ms, page faults ${d('pf')}`);
  }
  const json = arg('--json');
  if (json) writeFileSync(json, JSON.stringify({ node: process.version, rounds, load: [load0, loadavg()[0]], results: out }, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
