// Model viewer: an MXNet -symbol.json (any generation) and optionally its .params, or an ONNX model (.onnx,
// imported with mx.onnx.importModel, its weights inside): the layer table of mx.viz.printSummary, the graph laid
// out by dagre (in this page only; the library bundles do not carry it), and a warning when the input shape does
// not fit the model or its parameters. ?symbol=<url>&params=<url>&shape=1,1,28,28 loads directly (.onnx URLs as ONNX).
import dagre from '../node_modules/@dagrejs/dagre/dist/dagre.esm.js';
import { mx, start } from './common.js';

await start();
const $ = (id) => document.getElementById(id);
const q = new URLSearchParams(location.search);
if (q.get('shape')) $('shape').value = q.get('shape');

const HIDDEN = /_(weight|bias|beta|gamma|moving_var|moving_mean|running_var|running_mean)$/;
const COLORS = { null: '#8dd3c7', Convolution: '#fb8072', FullyConnected: '#fb8072', BatchNorm: '#bebada', Activation: '#ffffb3',
  LeakyReLU: '#ffffb3', Pooling: '#80b1d3', Concat: '#fdb462', Flatten: '#fdb462', Reshape: '#fdb462', SoftmaxOutput: '#b3de69', softmax: '#b3de69' };
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const dims = (s) => (s ?? '').replace(/[()\s]/g, '').replace(/,/g, '×');

function label(n) {
  const a = n.attrs ?? n.param ?? {};
  const detail = n.op === 'Convolution' ? `${dims(a.kernel)}, ${a.num_filter}` : n.op === 'FullyConnected' ? a.num_hidden
    : n.op === 'Activation' || n.op === 'LeakyReLU' ? a.act_type : n.op === 'Pooling' ? `${a.pool_type ?? 'max'} ${dims(a.kernel)}` : '';
  return n.op === 'null' ? [n.name] : [n.op + (detail ? ` ${detail}` : ''), n.name];
}

/** The graph (weights hidden: by name, or the given parameters; one edge per connected pair) laid out top-down by dagre, as SVG. */
function drawGraph(sym, shapes, params) {
  const nodes = JSON.parse(sym.toJSON()).nodes;
  const shown = nodes.map((n) => !(n.op === 'null' && (HIDDEN.test(n.name) || (params && n.name in params))));
  const shapeOf = new Map();
  try {
    const internals = sym.getInternals(), r = internals.inferShapePartial(shapes);
    internals.listOutputs().forEach((n, i) => { if (r.outShapes[i]) shapeOf.set(n, r.outShapes[i]); });
  } catch { /* the shape warning says why */ }
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 34, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  nodes.forEach((n, i) => { if (shown[i]) g.setNode(String(i), { lines: label(n), op: n.op, width: 168, height: n.op === 'null' ? 28 : 40 }); });
  const seen = new Set();
  nodes.forEach((n, i) => {
    if (!shown[i]) return;
    for (const [j, k = 0] of n.inputs) {
      if (!shown[j] || seen.has(`${j}>${i}`)) continue;
      seen.add(`${j}>${i}`);
      const src = nodes[j], s = src.op === 'null' ? shapeOf.get(src.name) : shapeOf.get(`${src.name}_output`) ?? shapeOf.get(`${src.name}_output${k}`);
      const text = s ? s.join('×') : '';
      g.setEdge(String(j), String(i), { text, width: text.length * 6.5, height: text ? 14 : 0, labelpos: 'r', labeloffset: 6 });
    }
  });
  dagre.layout(g);
  const { width, height } = g.graph();
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>'];
  for (const e of g.edges()) {
    const ed = g.edge(e);
    out.push(`<polyline class="edge" fill="none" stroke="#555" marker-end="url(#arrow)" points="${ed.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}"/>`);
    if (ed.text) out.push(`<text x="${ed.x - ed.width / 2}" y="${ed.y + 4}" fill="#444">${esc(ed.text)}</text>`);
  }
  for (const id of g.nodes()) {
    const n = g.node(id), x = n.x - n.width / 2, y = n.y - n.height / 2;
    out.push(`<g class="node"><rect x="${x}" y="${y}" width="${n.width}" height="${n.height}" rx="5" fill="${COLORS[n.op] ?? '#fccde5'}" stroke="#333"/>`);
    n.lines.forEach((t, k) => out.push(`<text x="${n.x}" y="${n.y + (k - (n.lines.length - 1) / 2) * 13 + 4}" text-anchor="middle"${k ? ' fill="#444" font-size="10"' : ''}>${esc(t)}</text>`));
    out.push('</g>');
  }
  out.push('</svg>');
  return { svg: out.join('\n'), nodes: g.nodeCount(), edges: g.edgeCount(), height, width };
}

/** Why the input shape does not fit: shape inference fails, or the parameters it implies differ from the file's. */
function shapeWarnings(sym, shapes, params) {
  let inf;
  try { inf = sym.inferShape(shapes); } catch (e) { return [`The input shape ${JSON.stringify(Object.values(shapes)[0])} does not fit this model: ${e.message}`]; }
  if (!params) return [];
  const want = new Map();
  sym.listArguments().forEach((n, i) => want.set(n, inf.argShapes[i]));
  sym.listAuxiliaryStates().forEach((n, i) => want.set(n, inf.auxShapes[i]));
  const bad = [];
  for (const [key, a] of Object.entries(params)) {
    const name = key.replace(/^(arg|aux):/, ''), w = want.get(name);
    if (w && w.join(',') !== a.shape.join(',')) bad.push(`${name} is (${a.shape.join(', ')}) in the .params file but (${w.join(', ')}) for this input`);
  }
  return bad.length ? [`The input shape ${JSON.stringify(Object.values(shapes)[0])} does not match the parameters: ${bad.slice(0, 3).join('; ')}${bad.length > 3 ? `; and ${bad.length - 3} more` : ''}.`] : [];
}

const formShape = () => $('shape').value.split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
$('shape').oninput = () => { $('shape').dataset.edited = '1'; };

/** An ONNX model (bytes): its symbol, its weights, the shapes to show (the model's; the first input's from the form if given) and a note. */
function fromOnnx(bytes) {
  const m = mx.onnx.importModel(bytes), meta = m.metadata, shapes = { ...m.inputShapes };
  const first = Object.keys(shapes)[0], given = q.get('shape') || $('shape').dataset.edited ? formShape() : undefined;
  if (first && given?.length === shapes[first].length) shapes[first] = given;
  if (first) $('shape').value = shapes[first].join(',');
  const params = { ...m.argParams, ...m.auxParams };
  let count = 0;
  for (const a of Object.values(params)) count += a.size;
  const inputs = meta.inputs.map((i) => `${i.name} [${i.shape.join(', ')}]`).join(', ');
  return { sym: m.symbol, shapes, params, note: `ONNX opset ${meta.opset}${meta.producer ? `, from ${meta.producer}` : ''}; inputs ${inputs}; ${count.toLocaleString()} weight values` };
}

async function show(symText, paramsBytes, onnxBytes) {
  const warn = $('warning');
  let params;
  try {
    let sym, shapes, note = '';
    if (onnxBytes) ({ sym, shapes, params, note } = fromOnnx(onnxBytes));
    else {
      sym = mx.sym.fromJSON(symText);
      const inputs = sym.listArguments().filter((n) => !HIDDEN.test(n) && !/_label$/.test(n));
      shapes = { [inputs[0] ?? 'data']: formShape() };
      params = paramsBytes ? mx.nd.load(paramsBytes) : undefined;
    }
    const warnings = shapeWarnings(sym, shapes, params);
    warn.hidden = !warnings.length;
    warn.textContent = warnings.join(' ');
    try { $('summary').textContent = mx.viz.printSummary(sym, shapes); } catch (e) { $('summary').textContent = `(no layer table for this shape: ${e.message})`; }
    const graph = drawGraph(sym, shapes, onnxBytes ? params : undefined);
    $('graph').innerHTML = graph.svg;
    if (params && !onnxBytes) {
      const names = Object.keys(params);
      let count = 0;
      for (const n of names) count += params[n].size;
      note = `${names.length} arrays, ${count.toLocaleString()} values in the .params file`;
    }
    $('paramsInfo').textContent = note;
    $('status').textContent = `${sym.listArguments().length} arguments, outputs: ${sym.listOutputs().join(', ')}`;
    window.viewerResult = { ok: true, outputs: sym.listOutputs(), warnings, graph: { nodes: graph.nodes, edges: graph.edges, width: graph.width, height: graph.height } };
  } catch (e) {
    $('status').textContent = String(e.message ?? e);
    window.viewerResult = { ok: false, error: String(e.message ?? e) };
  } finally {
    for (const a of Object.values(params ?? {})) a.dispose();
  }
}

$('show').onclick = async () => {
  const f = $('sym').files[0];
  if (!f) { $('status').textContent = 'choose a -symbol.json or .onnx file first'; return; }
  if (/\.onnx$/i.test(f.name)) { await show(undefined, undefined, new Uint8Array(await f.arrayBuffer())); return; }
  const p = $('params').files[0];
  await show(await f.text(), p ? new Uint8Array(await p.arrayBuffer()) : undefined);
};
if (q.get('symbol')) {
  const r = await fetch(q.get('symbol'));
  if (/\.onnx$/i.test(q.get('symbol'))) await show(undefined, undefined, new Uint8Array(await r.arrayBuffer()));
  else {
    const pr = q.get('params') ? new Uint8Array(await (await fetch(q.get('params'))).arrayBuffer()) : undefined;
    await show(await r.text(), pr);
  }
}
window.viewerReady = true;
