/**
 * `mxwasm predict <prefix> <epoch> --input <file.npy | file.json | image.pgm/.ppm> [--top 5]`:
 * loads a checkpoint, runs one inference and prints the top-k classes of the first output.
 * Options: --shape data=1,3,224,224 (input shape for flat JSON), --resize H,W, --mean v[,g,b],
 * --scale s (images: (pixel - mean) * scale), --labels synset.txt, --input-name data.
 */
import { isMxError, MxError } from '../errors.js';
import { checkpointFiles } from '../format/checkpoint.js';
import { readFileBytes, nodeFs } from '../format/fs.js';
import { loadWithInfo } from '../format/ndarray-io.js';
import { isPnm, parsePnm, resizeBilinear } from '../format/pnm.js';
import { parseSymbolJSON } from '../format/legacy-json.js';
import { Predictor } from '../predictor/predictor.js';
import { fromJSON } from '../symbol/json.js';
import type { Symbol } from '../symbol/symbol.js';
import { opAux } from '../ops/registry.js';

/** Where CLI text goes (console by default; tests capture it). */
export interface CliIO { out: (line: string) => void; err: (line: string) => void }
const consoleIO: CliIO = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Parsed command line: positionals and `--key value` options (repeatable keys collect). */
export interface Args { pos: string[]; opt: Record<string, string[]> }

/** Splits argv into positionals and options (`--k v`, `--k=v`, `--flag`). @example parseArgs(['lenet', '1', '--top', '3']) */
export function parseArgs(argv: string[], flags: string[] = []): Args {
  const pos: string[] = [], opt: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { pos.push(a); continue; }
    const eq = a.indexOf('=');
    const k = a.slice(2, eq < 0 ? undefined : eq);
    const v = eq >= 0 ? a.slice(eq + 1) : flags.includes(k) ? 'true' : argv[++i];
    if (v === undefined) throw new MxError('argument', `option --${k} needs a value`);
    (opt[k] ??= []).push(v);
  }
  return { pos, opt };
}

/** `--shape data=1,3,224,224` options as a shape record. @example shapesOf(['data=1,784']) */
export function shapesOf(specs: string[] = []): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const s of specs) {
    const m = /^([^=]+)=([\d,x ()]+)$/.exec(s);
    const dims = m ? m[2].replace(/[()\s]/g, '').split(/[,x]/).filter(Boolean).map(Number) : [];
    if (!m || !dims.length || dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new MxError('argument', `--shape must look like data=1,3,224,224, got '${s}'`);
    out[m[1]] = dims;
  }
  return out;
}

const numbers = (s: string, what: string) => {
  const v = s.split(',').map(Number);
  if (v.some((x) => !Number.isFinite(x))) throw new MxError('argument', `${what} must be numbers separated by commas, got '${s}'`);
  return v;
};

const PARAM_ROLES = new Set(['weight', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_var', 'parameters']);

/**
 * The data inputs of a symbol: variables that are neither parameters (in `paramNames`, or read as
 * an op's weight/bias/gamma/beta/aux input) nor labels of loss heads.
 * @example dataInputs(mx.sym.fromJSON(text), new Set()) // ['data']
 */
export function dataInputs(sym: Symbol, paramNames: Set<string>): string[] {
  const notData = new Set<string>(paramNames);
  for (const n of sym.nodes()) {
    if (!n.def) continue;
    const roles = [...n.def.inputs(n.attrs), ...opAux(n.def, n.attrs)];
    n.inputs.forEach((e, k) => { if (e.node.op === 'null' && (PARAM_ROLES.has(roles[k]) || roles[k] === 'label')) notData.add(e.node.name); });
  }
  return sym.listArguments().filter((n) => !notData.has(n));
}

/** Reads an input file as values + shape. */
function readInput(path: string, a: Args, shapes: Record<string, number[]>, name: string): { data: Float32Array; shape: number[] } {
  const bytes = readFileBytes(path, 'input');
  if (isPnm(bytes)) {
    let img = parsePnm(bytes, path);
    if (a.opt.resize) { const [h, w] = numbers(a.opt.resize[0], '--resize'); img = resizeBilinear(img, h, w); }
    const mean = a.opt.mean ? numbers(a.opt.mean[0], '--mean') : [0], scale = a.opt.scale ? numbers(a.opt.scale[0], '--scale')[0] : 1;
    const plane = img.width * img.height;
    const data = img.data.map((v, i) => (v - (mean[Math.floor(i / plane)] ?? mean[0])) * scale);
    return { data, shape: [1, img.channels, img.height, img.width] };
  }
  if (/\.json$/i.test(path) || bytes[0] === 0x5b || bytes[0] === 0x7b) {
    let v = parseSymbolJSON(new TextDecoder().decode(bytes), path) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) v = (v as Record<string, unknown>)[name];
    if (!Array.isArray(v)) throw new MxError('format', `${path}: expected a (nested) array of numbers${name ? ` or {"${name}": [...]}` : ''}`);
    const shape: number[] = [];
    for (let x: unknown = v; Array.isArray(x); x = x[0]) shape.push(x.length);
    const flat = (v as unknown[]).flat(Infinity as 1) as unknown[];
    if (flat.some((x) => typeof x !== 'number')) throw new MxError('format', `${path}: every value must be a number`);
    const given = shapes[name];
    return { data: Float32Array.from(flat as number[]), shape: given ?? (shape.length === 1 ? [1, ...shape] : shape) };
  }
  const r = loadWithInfo(bytes);
  if (r.arrays.length !== 1) { r.arrays.forEach((x) => x.dispose()); throw new MxError('format', `${path}: expected one array, found ${r.arrays.length}`); }
  const arr = r.arrays[0], out = { data: Float32Array.from(arr.data as ArrayLike<number>), shape: [...arr.shape] };
  arr.dispose();
  return out;
}

/** Top-k lines per batch row of an output. @example topK(out.data, out.shape, 5, synset) */
export function topK(values: ArrayLike<number>, shape: number[], k: number, labels?: string[]): string[] {
  const rows = shape.length > 1 ? shape[0] : 1, n = values.length / rows, lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: n }, (_, i) => values[r * n + i]);
    const order = row.map((_, i) => i).sort((x, y) => row[y] - row[x]).slice(0, k);
    if (rows > 1) lines.push(`sample ${r}:`);
    order.forEach((c, i) => lines.push(`  #${i + 1}  class ${c}${labels?.[c] ? ` (${labels[c]})` : ''}  score ${row[c].toFixed(6)}`));
  }
  return lines;
}

/**
 * Runs `mxwasm predict` with captured output (for tests and embedding).
 * @example await run(['models/lenet', '1', '--input', 'digit.pgm', '--top', '3'], io)
 */
export async function run(argv: string[], io: CliIO = consoleIO): Promise<number> {
  if (argv[0] === 'predict') argv = argv.slice(1);
  try {
    const a = parseArgs(argv);
    if (a.pos.length !== 2 || !a.opt.input) {
      io.err('usage: mxwasm predict <prefix> <epoch> --input <file.npy | file.json | image.pgm/.ppm> [--top 5] [--shape data=1,3,224,224] [--resize H,W] [--mean m[,g,b]] [--scale s] [--labels file]');
      return 2;
    }
    const epoch = Number(a.pos[1]);
    const f = checkpointFiles(a.pos[0], epoch);
    const symbolText = new TextDecoder().decode(readFileBytes(f.symbol, 'symbol'));
    const params = readFileBytes(f.params, 'params');
    const names = loadWithInfo(params);
    const paramNames = new Set((names.names ?? []).map((n) => n.replace(/^(arg|aux):/, '')));
    names.arrays.forEach((x) => x.dispose());
    const shapes = shapesOf(a.opt.shape);
    const sym = fromJSON(symbolText);
    const inputs = dataInputs(sym, paramNames);
    const name = a.opt['input-name']?.[0] ?? inputs[0];
    if (!name) throw new MxError('argument', 'cannot tell which argument is the data input; pass --input-name');
    const x = readInput(a.opt.input[0], a, shapes, name);
    const size = x.shape.reduce((p, d) => p * d, 1);
    if (size !== x.data.length) throw new MxError('shape', `input has ${x.data.length} values, shape (${x.shape.join(', ')}) needs ${size}`);
    const p = Predictor.load({ symbol: sym, params, inputShapes: { ...shapes, [name]: x.shape } });
    try {
      const out = p.forward({ [name]: x.data })[0];
      const k = a.opt.top ? Math.max(1, Number(a.opt.top[0]) | 0) : 5;
      const labels = a.opt.labels ? new TextDecoder().decode(readFileBytes(a.opt.labels[0], 'labels')).split(/\r?\n/) : undefined;
      io.out(`${p.outputNames[0]} (${out.shape.join(', ')}), input ${name} (${x.shape.join(', ')}):`);
      for (const l of topK(out.data, out.shape, k, labels)) io.out(l);
    } finally { p.dispose(); }
    return 0;
  } catch (e) {
    if (isMxError(e)) { io.err(`mxwasm predict: ${(e as Error).message}`); return 1; }
    throw e;
  }
}

/** CLI entry (`bin/mxwasm.js predict ...`): exit code 0 ok, 1 error, 2 usage. @example process.exitCode = await main(process.argv.slice(3)) */
export async function main(argv: string[]): Promise<number> {
  if (!nodeFs()) { console.error('mxwasm predict needs Node'); return 1; }
  return run(argv);
}
