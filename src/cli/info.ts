/**
 * `mxwasm info <prefix> [epoch] [--shape data=1,3,224,224]`: what a checkpoint holds: format
 * generation, inputs, outputs, the layer table (mx.viz.printSummary), parameter counts and
 * bytes, dtype conversions, and the inference memory plan. Without an epoch the newest
 * `prefix-NNNN.params` is used (if any).
 */
import { checkpointFiles, loadCheckpointFromBytes } from '../format/checkpoint.js';
import { readFileBytes } from '../format/fs.js';
import { parseSymbolJSON, symbolVersion } from '../format/legacy-json.js';
import { fromJSON } from '../symbol/json.js';
import { printSummary } from '../viz/summary.js';
import { Predictor } from '../predictor/predictor.js';
import { shapesOf, dataInputs } from './predict.js';
import { num, runCommand, type CliIO, type Command } from './args.js';
import { latestEpoch } from './checkpoint-files.js';
import { infoOnnx } from './info-onnx.js';

const fmtBytes = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const generation = (v: number) => (v < 900 ? '0.8 (param/attr)' : v < 10000 ? '0.9-0.12 (attr)' : v < 20000 ? '1.x (attrs)' : '2.x (attrs)');
const fmtVersion = (v: number) => `${Math.floor(v / 10000)}.${Math.floor(v / 100) % 100}.${v % 100}`;

/** `mxwasm info`: what a checkpoint holds. */
export const infoCommand: Command = {
  name: 'info',
  brief: 'what a checkpoint holds: inputs, outputs, layers, parameters, memory',
  summary: 'Model summary of a model.onnx file, or of <prefix>-symbol.json (and <prefix>-NNNN.params, the newest epoch unless given): inputs, outputs, layers, parameters, memory plan.',
  positionals: ['prefix', 'epoch?'],
  options: {
    shape: { type: 'string', value: 'name=d0,d1,...', multiple: true, help: 'input shape, e.g. data=1,3,224,224 (for output shapes and the memory plan)' },
  },
  notes: ['example: mxwasm info model/lenet --shape data=1,1,28,28', 'example: mxwasm info resnet18.onnx --shape input=1,3,224,224'],
  run: async ({ values, positionals }, io) => {
    const prefix = positionals[0];
    if (/\.onnx$/i.test(prefix)) return infoOnnx(prefix, shapesOf(values.shape as string[] | undefined), io);
    const epoch = positionals[1] !== undefined ? num({ epoch: positionals[1] }, 'epoch', { int: true, min: 0 }) : latestEpoch(prefix);
    const f = checkpointFiles(prefix, epoch ?? 0);
    const text = new TextDecoder().decode(readFileBytes(f.symbol, 'symbol'));
    const version = symbolVersion(parseSymbolJSON(text, f.symbol));
    io.out(`symbol   ${f.symbol}: saved by MXNet ${fmtVersion(version)}, format ${generation(version)}`);
    const ck = epoch === undefined ? { symbol: fromJSON(text), argParams: {}, auxParams: {}, notes: [] as string[] } : loadCheckpointFromBytes(text, readFileBytes(f.params, 'params'));
    const sym = ck.symbol;
    const params = { ...ck.argParams, ...ck.auxParams };
    if (epoch !== undefined) io.out(`params   ${f.params}`);
    else io.out('params   none found (pass an epoch, or put prefix-NNNN.params beside the symbol)');
    const shapes = shapesOf(values.shape as string[] | undefined);
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
  },
};

/**
 * Runs `mxwasm info` with captured output (for tests and embedding): exit code 0 ok, 1 error, 2 usage.
 * @example await run(['models/lenet', '1', '--shape', 'data=1,1,28,28'], io)
 */
export const run = (argv: string[], io?: CliIO): Promise<number> => runCommand(infoCommand, argv, io);
