/**
 * `mxwasm info model.onnx`: what an ONNX model holds (producer, IR and opset, inputs and outputs
 * with symbolic dims, op counts) and how it imports: the mxwasm layer table, parameters and the
 * inference memory plan.
 */
import { getModelMetadata } from '../onnx/source.js';
import { importModel } from '../onnx/import.js';
import { Predictor } from '../predictor/predictor.js';
import { printSummary } from '../viz/summary.js';
import type { CliIO } from './args.js';

const fmtBytes = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const dims = (s: (number | string | null)[] | null) => (s ? `(${s.map((d) => d ?? '?').join(', ')})` : '(unknown)');

/** Prints the summary of an ONNX file; `shapes` override the model's input shapes. */
export function infoOnnx(path: string, shapes: Record<string, number[]>, io: CliIO): number {
  const md = getModelMetadata(path);
  io.out(`onnx     ${path}: IR ${md.irVersion}, opset ${md.opset ?? 'none'}${md.producer ? `, from ${md.producer}` : ''}`);
  io.out(`inputs   ${md.inputs.map((v) => `${v.name} ${dims(v.shape)} ${v.dtype}`).join(', ')}`);
  io.out(`outputs  ${md.outputs.map((v) => `${v.name} ${dims(v.shape)} ${v.dtype}`).join(', ')}`);
  io.out(`ops      ${Object.entries(md.ops).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const m = importModel(path);
  const all = [...Object.values(m.argParams), ...Object.values(m.auxParams)];
  try {
    const inShapes = { ...m.inputShapes, ...shapes };
    io.out(`imported ${m.symbol.nodes().filter((n) => n.op !== 'null').length} mxwasm operators at input shapes ${Object.entries(inShapes).map(([k, s]) => `${k} (${s.join(', ')})`).join(', ')}`);
    for (const line of printSummary(m.symbol, inShapes, { log: () => {} }).split('\n')) io.out(line);
    const count = all.reduce((s, v) => s + v.size, 0), bytes = all.reduce((s, v) => s + v.nbytes, 0);
    io.out(`params   ${Object.keys(m.argParams).length} arg + ${Object.keys(m.auxParams).length} aux arrays, ${count.toLocaleString('en-US')} values, ${fmtBytes(bytes)} in memory`);
    const p = Predictor.load({ symbol: m.symbol, params: m, inputShapes: inShapes });
    const mem = p.memory;
    p.dispose();
    io.out(`memory   inference plan: ${fmtBytes(mem.arenaBytes)} activations arena (naive ${fmtBytes(mem.naiveBytes)}, ${mem.inplace} in-place), + ${fmtBytes(bytes)} params`);
  } finally { all.forEach((a) => a.dispose()); }
  return 0;
}
