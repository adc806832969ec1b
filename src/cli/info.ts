/**
 * `mxwasm info <prefix> [epoch] [--shape data=1,3,224,224]`: what a checkpoint holds: format
 * generation, inputs, outputs, the layer table (mx.viz.printSummary), parameter counts and
 * bytes, dtype conversions, and the inference memory plan. Without an epoch the newest
 * `prefix-NNNN.params` is used (if any).
 */
import { isMxError, MxError } from '../errors.js';
import { checkpointFiles, loadCheckpointFromBytes } from '../format/checkpoint.js';
import { readFileBytes, nodeFs } from '../format/fs.js';
import { parseSymbolJSON, symbolVersion } from '../format/legacy-json.js';
import { fromJSON } from '../symbol/json.js';
import { printSummary } from '../viz/summary.js';
import { Predictor } from '../predictor/predictor.js';
import { parseArgs, shapesOf, dataInputs, type CliIO } from './predict.js';

const consoleIO: CliIO = { out: (l) => console.log(l), err: (l) => console.error(l) };

const fmtBytes = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const generation = (v: number) => (v < 900 ? '0.8 (param/attr)' : v < 10000 ? '0.9-0.12 (attr)' : v < 20000 ? '1.x (attrs)' : '2.x (attrs)');
const fmtVersion = (v: number) => `${Math.floor(v / 10000)}.${Math.floor(v / 100) % 100}.${v % 100}`;

/** Newest epoch with a params file beside the prefix, or undefined. */
function latestEpoch(prefix: string): number | undefined {
  const fs = nodeFs() as unknown as { readdirSync(p: string): string[] };
  const slash = Math.max(prefix.lastIndexOf('/'), prefix.lastIndexOf('\\'));
  const dir = slash >= 0 ? prefix.slice(0, slash) || '/' : '.', base = prefix.slice(slash + 1);
  let best: number | undefined;
  try {
    for (const f of fs.readdirSync(dir)) {
      const m = f.startsWith(`${base}-`) ? /^-(\d+)\.params$/.exec(f.slice(base.length)) : null;
      if (m && (best === undefined || Number(m[1]) > best)) best = Number(m[1]);
    }
  } catch { /* no directory: no params */ }
  return best;
}

/**
 * Runs `mxwasm info` with captured output (for tests and embedding).
 * @example await run(['models/lenet', '1', '--shape', 'data=1,1,28,28'], io)
 */
export async function run(argv: string[], io: CliIO = consoleIO): Promise<number> {
  if (argv[0] === 'info') argv = argv.slice(1);
  try {
    const a = parseArgs(argv);
    if (a.pos.length < 1 || a.pos.length > 2) { io.err('usage: mxwasm info <prefix> [epoch] [--shape data=1,3,224,224]'); return 2; }
    const prefix = a.pos[0];
    const epoch = a.pos[1] !== undefined ? Number(a.pos[1]) : latestEpoch(prefix);
    const f = checkpointFiles(prefix, epoch ?? 0);
    const text = new TextDecoder().decode(readFileBytes(f.symbol, 'symbol'));
    const version = symbolVersion(parseSymbolJSON(text, f.symbol));
    io.out(`symbol   ${f.symbol}: saved by MXNet ${fmtVersion(version)}, format ${generation(version)}`);
    const ck = epoch === undefined ? { symbol: fromJSON(text), argParams: {}, auxParams: {}, notes: [] as string[] } : loadCheckpointFromBytes(text, readFileBytes(f.params, 'params'));
    const sym = ck.symbol;
    const params = { ...ck.argParams, ...ck.auxParams };
    if (epoch !== undefined) io.out(`params   ${f.params}`);
    else io.out('params   none found (pass an epoch, or put prefix-NNNN.params beside the symbol)');
    const shapes = shapesOf(a.opt.shape);
    const inputs = dataInputs(sym, new Set(Object.keys(params)));
    for (const n of inputs) {
      const hint = sym.getInternals().get(n).attr('__shape__');
      if (!shapes[n] && hint && !/\b0\b/.test(hint)) shapes[n] = hint.replace(/[()\s]/g, '').split(',').filter(Boolean).map(Number);
    }
    const known = inputs.every((n) => shapes[n]);
    io.out(`inputs   ${inputs.map((n) => `${n}${shapes[n] ? ` (${shapes[n].join(', ')})` : ''}`).join(', ') || 'none'}`);
    let outShapes: (number[] | undefined)[] = [];
    if (known) outShapes = sym.inferShapePartial(shapes).outShapes;
    io.out(`outputs  ${sym.listOutputs().map((n, i) => `${n}${outShapes[i] ? ` (${outShapes[i]!.join(', ')})` : ''}`).join(', ')}`);
    io.out(`layers   ${sym.nodes().filter((n) => n.op !== 'null').length} operators: ${[...new Set(sym.nodes().filter((n) => n.op !== 'null').map((n) => n.op))].join(', ')}`);
    if (!known) io.out('         (give --shape data=... for output shapes, the layer table shapes and the memory plan)');
    for (const line of printSummary(sym, known ? shapes : undefined, { log: () => {} }).split('\n')) io.out(line);
    const vals = Object.values(params);
    const count = vals.reduce((s, v) => s + v.size, 0), bytes = vals.reduce((s, v) => s + v.nbytes, 0);
    if (epoch !== undefined) {
      io.out(`params   ${Object.keys(ck.argParams).length} arg + ${Object.keys(ck.auxParams).length} aux arrays, ${count.toLocaleString('en-US')} values, ${fmtBytes(bytes)} in memory`);
      for (const n of ck.notes) io.out(`note     ${n}`);
    }
    if (known) {
      let m: { arenaBytes: number; naiveBytes: number; inplace: number }, pb = bytes;
      if (epoch !== undefined) {
        const p = Predictor.load({ symbol: sym, params: { argParams: ck.argParams, auxParams: ck.auxParams }, inputShapes: shapes });
        m = p.memory; p.dispose();
      } else {
        const exe = sym.simpleBind({ shapes, gradReq: 'null' });
        m = exe.memory;
        pb = [...Object.entries(exe.argDict), ...Object.entries(exe.auxDict)].filter(([n]) => !(n in shapes)).reduce((s, [, v]) => s + v.nbytes, 0);
        exe.dispose();
      }
      io.out(`memory   inference plan: ${fmtBytes(m.arenaBytes)} activations arena (naive ${fmtBytes(m.naiveBytes)}, ${m.inplace} in-place), + ${fmtBytes(pb)} params`);
    }
    for (const v of vals) v.dispose();
    return 0;
  } catch (e) {
    if (isMxError(e)) { io.err(`mxwasm info: ${(e as MxError).message}`); return 1; }
    throw e;
  }
}

/** CLI entry (`bin/mxwasm.js info ...`): exit code 0 ok, 1 error, 2 usage. @example process.exitCode = await main(process.argv.slice(3)) */
export async function main(argv: string[]): Promise<number> {
  if (!nodeFs()) { console.error('mxwasm info needs Node'); return 1; }
  return run(argv);
}
