// Model viewer: an MXNet -symbol.json (any generation) and optionally its .params: the layer table
// of mx.viz.printSummary and the graph drawing of mx.viz.plotNetwork. ?symbol=<url>&shape=1,1,28,28 loads directly.
import { mx, start } from './common.js';

await start();
const $ = (id) => document.getElementById(id);
const q = new URLSearchParams(location.search);
if (q.get('shape')) $('shape').value = q.get('shape');

async function show(symText, paramsBytes) {
  try {
    const sym = mx.sym.fromJSON(symText);
    const inputs = sym.listArguments().filter((n) => !/_(weight|bias|gamma|beta|label)$/.test(n));
    const shape = $('shape').value.split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
    const shapes = { [inputs[0] ?? 'data']: shape };
    $('summary').textContent = mx.viz.printSummary(sym, shapes);
    $('graph').innerHTML = mx.viz.plotNetwork(sym, shapes).svg;
    let note = '';
    if (paramsBytes) {
      const arrays = mx.nd.load(paramsBytes);
      const names = Object.keys(arrays);
      let count = 0;
      for (const n of names) count += arrays[n].size;
      note = `${names.length} arrays, ${count.toLocaleString()} values in the .params file`;
      for (const n of names) arrays[n].dispose();
    }
    $('paramsInfo').textContent = note;
    $('status').textContent = `${sym.listArguments().length} arguments, outputs: ${sym.listOutputs().join(', ')}`;
    window.viewerResult = { ok: true, outputs: sym.listOutputs() };
  } catch (e) {
    $('status').textContent = String(e.message ?? e);
    window.viewerResult = { ok: false, error: String(e.message ?? e) };
  }
}

$('show').onclick = async () => {
  const f = $('sym').files[0];
  if (!f) { $('status').textContent = 'choose a -symbol.json first'; return; }
  const p = $('params').files[0];
  await show(await f.text(), p ? new Uint8Array(await p.arrayBuffer()) : undefined);
};
if (q.get('symbol')) {
  const text = await (await fetch(q.get('symbol'))).text();
  const pr = q.get('params') ? new Uint8Array(await (await fetch(q.get('params'))).arrayBuffer()) : undefined;
  await show(text, pr);
}
window.viewerReady = true;
