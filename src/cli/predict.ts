/**
 * `mxwasm predict <prefix> [epoch] --input <file.npy | file.json | image.pgm/.ppm> [--top 5]`:
 * loads a checkpoint, runs one inference and prints the top-k classes of the first output.
 * Images are preprocessed as `mxwasm train` recorded in `<prefix>-preprocess.json` (scale, mean, shape),
 * unless --mean/--scale/--resize say otherwise.
 */
import { ArgumentError, FormatError, ShapeError } from '../errors.js';
import { checkpointFiles } from '../format/checkpoint.js';
import { readFileBytes } from '../format/fs.js';
import { loadWithInfo } from '../format/ndarray-io.js';
import { isPnm, parsePnm, resizeBilinear } from '../format/pnm.js';
import { parseSymbolJSON } from '../format/legacy-json.js';
import { Predictor } from '../predictor/predictor.js';
import { fromJSON } from '../symbol/json.js';
import type { Symbol } from '../symbol/symbol.js';
import { opAux } from '../ops/registry.js';
import { numbers, num, runCommand, UsageError, type CliIO, type Command, type ParsedArgs } from './args.js';
import { latestEpoch, readPreprocess, type Preprocess } from './checkpoint-files.js';

/** `--shape data=1,3,224,224` options as a shape record. @example shapesOf(['data=1,784']) */
export function shapesOf(specs: string[] | undefined = []): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const s of specs) {
    const m = /^([^=]+)=([\d,x ()]+)$/.exec(s);
    const dims = m ? m[2].replace(/[()\s]/g, '').split(/[,x]/).filter(Boolean).map(Number) : [];
    if (!m || !dims.length || dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new UsageError(`--shape must look like data=1,3,224,224, got '${s}'`);
    out[m[1]] = dims;
  }
  return out;
}

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
function readInput(path: string, v: ParsedArgs['values'], pre: Preprocess | undefined, shapes: Record<string, number[]>, name: string): { data: Float32Array; shape: number[] } {
  const bytes = readFileBytes(path, 'input');
  if (isPnm(bytes)) {
    let img = parsePnm(bytes, path);
    const resize = typeof v.resize === 'string' ? numbers(v.resize, 'resize') : pre?.resize;
    if (resize) { if (resize.length !== 2) throw new UsageError(`--resize takes H,W, got '${v.resize}'`); img = resizeBilinear(img, resize[0], resize[1]); }
    const mean = typeof v.mean === 'string' ? numbers(v.mean, 'mean') : pre?.mean ?? [0];
    const scale = typeof v.scale === 'string' ? num(v, 'scale') : pre?.scale ?? 1;
    const plane = img.width * img.height;
    const data = img.data.map((x, i) => (x - (mean[Math.floor(i / plane)] ?? mean[0])) * scale);
    // The model's own input shape (a flat MLP takes (1, 784)) where train recorded it.
    const shape = shapes[name] ?? (pre?.shape && pre.shape.slice(1).reduce((p, d) => p * d, 1) === data.length ? [1, ...pre.shape.slice(1)] : [1, img.channels, img.height, img.width]);
    return { data, shape };
  }
  if (/\.json$/i.test(path) || bytes[0] === 0x5b || bytes[0] === 0x7b) {
    let v = parseSymbolJSON(new TextDecoder().decode(bytes), path) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) v = (v as Record<string, unknown>)[name];
    if (!Array.isArray(v)) throw new FormatError(`${path}: expected a (nested) array of numbers${name ? ` or {"${name}": [...]}` : ''}`);
    const shape: number[] = [];
    for (let x: unknown = v; Array.isArray(x); x = x[0]) shape.push(x.length);
    const flat = (v as unknown[]).flat(Infinity as 1) as unknown[];
    if (flat.some((x) => typeof x !== 'number')) throw new FormatError(`${path}: every value must be a number`);
    const given = shapes[name];
    return { data: Float32Array.from(flat as number[]), shape: given ?? (shape.length === 1 ? [1, ...shape] : shape) };
  }
  const r = loadWithInfo(bytes);
  if (r.arrays.length !== 1) { r.arrays.forEach((x) => x.dispose()); throw new FormatError(`${path}: expected one array, found ${r.arrays.length}`); }
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

/** `mxwasm predict`: one inference from a checkpoint, top-k classes. */
export const predictCommand: Command = {
  name: 'predict',
  brief: 'one inference from a checkpoint: the top-k classes',
  summary: 'Loads a model.onnx file, or <prefix>-symbol.json and <prefix>-NNNN.params (the newest epoch unless given), runs one input, prints the top-k classes.',
  positionals: ['prefix', 'epoch?'],
  options: {
    input: { type: 'string', value: 'file', help: 'the input: .npy, .json (nested array or {"data": [...]}), or a .pgm/.ppm image' },
    top: { type: 'string', value: 'K', default: '5', help: 'how many classes to print' },
    shape: { type: 'string', value: 'name=d0,d1,...', multiple: true, help: 'input shape, e.g. data=1,3,224,224' },
    resize: { type: 'string', value: 'H,W', help: 'images: resize (bilinear) before preprocessing' },
    mean: { type: 'string', value: 'm[,g,b]', help: 'images: subtract per channel (default: what train recorded, else 0)' },
    scale: { type: 'string', value: 's', help: 'images: multiply after the mean (default: what train recorded, else 1)' },
    labels: { type: 'string', value: 'file', help: 'class names, one a line (synset.txt)' },
    'input-name': { type: 'string', value: 'name', help: 'which argument is the data input (default: the only non-parameter one)' },
  },
  notes: ['example: mxwasm predict model/lenet --input digit.pgm --top 3'],
  run: async ({ values: v, positionals }, io) => {
    if (typeof v.input !== 'string') throw new UsageError('--input <file> is required');
    const prefix = positionals[0];
    if (/\.onnx$/i.test(prefix)) return predictOnnx(prefix, v, io);
    const epoch = positionals[1] !== undefined ? num({ epoch: positionals[1] }, 'epoch', { int: true, min: 0 }) : latestEpoch(prefix);
    if (epoch === undefined) throw new ArgumentError(`no ${prefix}-NNNN.params found (train one with mxwasm train --out ${prefix})`);
    const f = checkpointFiles(prefix, epoch);
    const symbolText = new TextDecoder().decode(readFileBytes(f.symbol, 'symbol'));
    const params = readFileBytes(f.params, 'params');
    const names = loadWithInfo(params);
    const paramNames = new Set((names.names ?? []).map((n) => n.replace(/^(arg|aux):/, '')));
    names.arrays.forEach((x) => x.dispose());
    const shapes = shapesOf(v.shape as string[] | undefined);
    const sym = fromJSON(symbolText);
    const inputs = dataInputs(sym, paramNames);
    const name = (v['input-name'] as string | undefined) ?? inputs[0];
    if (!name) throw new ArgumentError('cannot tell which argument is the data input; pass --input-name');
    const pre = readPreprocess(prefix);
    const x = readInput(v.input, v, pre, shapes, name);
    const size = x.shape.reduce((p, d) => p * d, 1);
    if (size !== x.data.length) throw new ShapeError(`input has ${x.data.length} values, shape (${x.shape.join(', ')}) needs ${size}`);
    const p = Predictor.load({ symbol: sym, params, inputShapes: { ...shapes, [name]: x.shape } });
    try {
      const out = p.forward({ [name]: p.inputDTypes[name] === 'float32' ? x.data : Array.from(x.data) })[0];
      const k = num(v, 'top', { int: true, min: 1 });
      const labels = typeof v.labels === 'string' ? new TextDecoder().decode(readFileBytes(v.labels, 'labels')).split(/\r?\n/) : undefined;
      io.out(`${p.outputNames[0]} (${out.shape.join(', ')}), input ${name} (${x.shape.join(', ')})${pre ? `, preprocessing from ${prefix}-preprocess.json` : ''}:`);
      for (const l of topK(out.data, out.shape, k, labels)) io.out(l);
    } finally { p.dispose(); }
    return 0;
  },
};

/** `mxwasm predict model.onnx --input ...`: the ONNX model's first data input and first output. */
function predictOnnx(path: string, v: ParsedArgs['values'], io: CliIO): number {
  const shapes = shapesOf(v.shape as string[] | undefined);
  const p = Predictor.fromOnnx(path, shapes);
  try {
    const name = (v['input-name'] as string | undefined) ?? p.inputNames[0];
    if (!p.inputNames.includes(name)) throw new ArgumentError(`'${name}' is not an input of ${path} (inputs: ${p.inputNames.join(', ')})`);
    const x = readInput(v.input as string, v, undefined, { [name]: shapes[name] ?? p.inputShapes[name] }, name);
    const size = x.shape.reduce((q, d) => q * d, 1);
    if (size !== x.data.length) throw new ShapeError(`input has ${x.data.length} values, shape (${x.shape.join(', ')}) needs ${size}`);
    p.reshape({ [name]: x.shape });
    // integer inputs (int64 token ids, uint8 images) take the file's values as numbers: the Predictor checks they fit
    const types = p.inputDTypes, zeros = (n: string) => new Array<number>(p.inputShapes[n].reduce((q, d) => q * d, 1)).fill(0);
    const others = Object.fromEntries(p.inputNames.filter((n) => n !== name).map((n) => [n, zeros(n)]));
    const out = p.forward({ ...others, [name]: types[name] === 'float32' ? x.data : Array.from(x.data) })[0];
    const labels = typeof v.labels === 'string' ? new TextDecoder().decode(readFileBytes(v.labels, 'labels')).split(/\r?\n/) : undefined;
    io.out(`${p.outputNames[0]} (${out.shape.join(', ')}), input ${name} (${x.shape.join(', ')}):`);
    for (const l of topK(out.data, out.shape, num(v, 'top', { int: true, min: 1 }), labels)) io.out(l);
  } finally { p.dispose(); }
  return 0;
}

/**
 * Runs `mxwasm predict` with captured output (for tests and embedding): exit code 0 ok, 1 error, 2 usage.
 * @example await run(['models/lenet', '1', '--input', 'digit.pgm', '--top', '3'], io)
 */
export const run = (argv: string[], io?: CliIO): Promise<number> => runCommand(predictCommand, argv, io);
