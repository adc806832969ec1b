import { ShapeError } from '../errors.js';
import type { Symbol } from '../symbol/symbol.js';

export interface SummaryOptions {
  lineLength?: number;
  /** Column ends as fractions of lineLength (or absolute when the last is > 1). */
  positions?: number[];
  /** Where lines go (default console.log); the text is also returned. */
  log?: (line: string) => void;
}

const tuple = (s: string) => s.replace(/[()[\]\s]/g, '').split(',').filter(Boolean).map(Number);

/**
 * MXNet's `mx.viz.print_summary`: a layer table (Layer (type), Output Shape, Param #, Previous
 * Layer) with per-layer parameter counts for Convolution / FullyConnected / BatchNorm / Embedding
 * and the total, laid out exactly as MXNet prints it (120 columns).
 * @example mx.viz.printSummary(lenet, { data: [1, 1, 28, 28] })
 */
export function printSummary(sym: Symbol, shapes?: Record<string, number[]>, o: SummaryOptions = {}): string {
  const L = o.lineLength ?? 120;
  let pos = o.positions ?? [0.44, 0.64, 0.74, 1];
  if (pos[pos.length - 1] <= 1) pos = pos.map((p) => Math.floor(L * p));
  const shapeDict = new Map<string, number[]>();
  if (shapes) {
    const internals = sym.getInternals();
    const r = internals.inferShapePartial(shapes);
    if (r.outShapes.some((s) => !s)) throw new ShapeError('printSummary: input shape is incomplete');
    internals.listOutputs().forEach((n, i) => shapeDict.set(n, r.outShapes[i]!));
  }
  const conf = JSON.parse(sym.toJSON());
  const nodes: { op: string; name: string; attrs?: Record<string, string>; inputs: number[][] }[] = conf.nodes;
  const heads = new Set<number>(conf.heads[0]); // MXNet's quirk: the ids of the first head entry
  const lines: string[] = [];
  const row = (fields: unknown[]) => {
    let line = '';
    fields.forEach((f, i) => { line += String(f); line = line.slice(0, pos[i]); line += ' '.repeat(Math.max(0, pos[i] - line.length)); });
    lines.push(line);
  };
  lines.push('_'.repeat(L));
  row(['Layer (type)', 'Output Shape', 'Param #', 'Previous Layer']);
  lines.push('='.repeat(L));
  const layer = (node: (typeof nodes)[number], outShape: number[]) => {
    const pre: string[] = [];
    let preFilter = 0;
    const at = node.attrs ?? {};
    if (node.op !== 'null') {
      for (const [id] of node.inputs) {
        const inp = nodes[id];
        if (inp.op !== 'null' || heads.has(id)) {
          pre.push(inp.name);
          const key = inp.op !== 'null' ? `${inp.name}_output` : inp.name;
          if (shapes && shapeDict.has(key)) preFilter += shapeDict.get(key)![1];
        }
      }
    }
    let p = 0;
    if (node.op === 'Convolution') {
      p = Math.floor((preFilter * Number(at.num_filter)) / Number(at.num_group ?? 1));
      for (const k of tuple(at.kernel)) p *= k;
      if (at.no_bias !== 'True') p += Number(at.num_filter);
    } else if (node.op === 'FullyConnected') {
      p = at.no_bias === 'True' ? preFilter * Number(at.num_hidden) : (preFilter + 1) * Number(at.num_hidden);
    } else if (node.op === 'BatchNorm') {
      if (shapes) p = shapeDict.get(`${node.name}_output`)![1] * 2;
    } else if (node.op === 'Embedding') p = Number(at.input_dim) * Number(at.output_dim);
    row([`${node.name}(${node.op})`, outShape.join('x'), p, pre[0] ?? '']);
    for (let i = 1; i < pre.length; i++) row(['', '', '', pre[i]]);
    return p;
  };
  let total = 0;
  nodes.forEach((node, i) => {
    if (node.op === 'null' && i > 0) return;
    let out: number[] = [];
    if ((node.op !== 'null' || heads.has(i)) && shapes) {
      const key = node.op !== 'null' ? `${node.name}_output` : node.name;
      if (shapeDict.has(key)) out = shapeDict.get(key)!.slice(1);
    }
    total += layer(node, out);
    lines.push((i === nodes.length - 1 ? '=' : '_').repeat(L));
  });
  lines.push(`Total params: ${total}`);
  lines.push('_'.repeat(L));
  const log = o.log ?? console.log;
  for (const l of lines) log(l);
  return lines.join('\n');
}
