import type { Symbol } from '../symbol/symbol.js';

const CM = ['#8dd3c7', '#fb8072', '#ffffb3', '#bebada', '#80b1d3', '#fdb462', '#b3de69', '#fccde5'];
const HIDDEN = /_(weight|bias|beta|gamma|moving_var|moving_mean|running_var|running_mean)$/;

interface JNode { op: string; name: string; attrs?: Record<string, string>; inputs: number[][] }

function look(n: JNode): { label: string; color: string } {
  const a = n.attrs ?? {};
  const t = (s?: string) => (s ?? '').replace(/[()\s]/g, '').replace(/,/g, 'x');
  switch (n.op) {
    case 'null': return { label: n.name, color: CM[0] };
    case 'Convolution': return { label: `Convolution\n${t(a.kernel)}/${t(a.stride) || '1'}, ${a.num_filter}`, color: CM[1] };
    case 'FullyConnected': return { label: `FullyConnected\n${a.num_hidden}`, color: CM[1] };
    case 'BatchNorm': return { label: 'BatchNorm', color: CM[3] };
    case 'Activation': case 'LeakyReLU': return { label: `${n.op}\n${a.act_type ?? ''}`, color: CM[2] };
    case 'Pooling': return { label: `Pooling\n${a.pool_type ?? 'max'}, ${t(a.kernel)}/${t(a.stride) || '1'}`, color: CM[4] };
    case 'Concat': case 'Flatten': case 'Reshape': return { label: n.op, color: CM[5] };
    case 'Softmax': case 'SoftmaxOutput': return { label: n.op, color: CM[6] };
    default: return { label: n.op, color: CM[7] };
  }
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * MXNet's `mx.viz.plot_network`: the graph as Graphviz DOT (same node labels and colours, weights
 * hidden, edges labelled with shapes when given) plus a self-contained SVG from a simple layered
 * layout (layer = longest path from an input).
 * @example const { svg, dot } = mx.viz.plotNetwork(lenet, { data: [1, 1, 28, 28] });
 */
export function plotNetwork(sym: Symbol, shapes?: Record<string, number[]>, o: { title?: string; hideWeights?: boolean } = {}): { svg: string; dot: string } {
  const nodes: JNode[] = JSON.parse(sym.toJSON()).nodes;
  const hide = o.hideWeights ?? true;
  const shapeOf = new Map<string, number[]>();
  if (shapes) {
    const internals = sym.getInternals();
    const r = internals.inferShapePartial(shapes);
    internals.listOutputs().forEach((n, i) => { if (r.outShapes[i]) shapeOf.set(n, r.outShapes[i]!); });
  }
  const shown = nodes.map((n) => !(hide && n.op === 'null' && HIDDEN.test(n.name)));
  const edges: [number, number, string][] = [];
  nodes.forEach((n, i) => {
    if (!shown[i]) return;
    for (const [j] of n.inputs) {
      if (!shown[j]) continue;
      const key = nodes[j].op === 'null' ? nodes[j].name : `${nodes[j].name}_output`;
      const s = shapeOf.get(key);
      edges.push([j, i, s ? s.slice(1).join('x') : '']);
    }
  });
  const dot = [`digraph ${JSON.stringify(o.title ?? 'plot')} {`, '  node [fixedsize=true, height=0.8034, shape=box, style=filled, width=1.3];'];
  nodes.forEach((n, i) => { if (shown[i]) { const { label, color } = look(n); dot.push(`  ${JSON.stringify(n.name)} [label=${JSON.stringify(label)}, fillcolor=${JSON.stringify(color)}];`); } });
  for (const [a, b, l] of edges) dot.push(`  ${JSON.stringify(nodes[b].name)} -> ${JSON.stringify(nodes[a].name)} [arrowtail=open, dir=back${l ? `, label=${JSON.stringify(l)}` : ''}];`);
  dot.push('}');
  // layered layout: inputs at the bottom, like Graphviz with dir=back
  const layer = new Array(nodes.length).fill(0);
  for (const [a, b] of edges) layer[b] = Math.max(layer[b], layer[a] + 1); // edges are in topological order
  const byLayer = new Map<number, number[]>();
  nodes.forEach((_, i) => { if (shown[i]) { const l = byLayer.get(layer[i]) ?? []; l.push(i); byLayer.set(layer[i], l); } });
  const W = 130, H = 56, GX = 30, GY = 44;
  const cols = Math.max(1, ...[...byLayer.values()].map((l) => l.length)), rows = byLayer.size ? Math.max(...byLayer.keys()) + 1 : 1;
  const width = cols * (W + GX) + GX, height = rows * (H + GY) + GY;
  const xy = new Map<number, [number, number]>();
  for (const [l, ids] of byLayer) ids.forEach((id, k) => xy.set(id, [GX + k * (W + GX) + ((cols - ids.length) * (W + GX)) / 2, height - (l + 1) * (H + GY)]));
  const svg = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`];
  for (const [a, b, l] of edges) {
    const [x1, y1] = xy.get(a)!, [x2, y2] = xy.get(b)!;
    svg.push(`<line x1="${x1 + W / 2}" y1="${y1}" x2="${x2 + W / 2}" y2="${y2 + H}" stroke="#555"/>`);
    if (l) svg.push(`<text x="${(x1 + x2) / 2 + W / 2 + 4}" y="${(y1 + y2 + H) / 2}" fill="#333">${esc(l)}</text>`);
  }
  for (const [id, [x, y]] of xy) {
    const { label, color } = look(nodes[id]);
    svg.push(`<g><rect x="${x}" y="${y}" width="${W}" height="${H}" rx="4" fill="${color}" stroke="#333"/>`);
    label.split('\n').forEach((t, k, all) => svg.push(`<text x="${x + W / 2}" y="${y + H / 2 + (k - (all.length - 1) / 2) * 14 + 4}" text-anchor="middle">${esc(t)}</text>`));
    svg.push('</g>');
  }
  svg.push('</svg>');
  return { svg: svg.join('\n'), dot: dot.join('\n') };
}
