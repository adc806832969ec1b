// Draw a digit: a LeNet (by default the one `npm start` trains, in examples/out/)
// classifies the canvas as you draw. ?prefix=/path/to/model&epoch=N picks another checkpoint.
import { mx, start, bars } from './common.js';
import { toMnist } from './mnist-preprocess.js';

await start();
const q = new URLSearchParams(location.search);
// Default: the checkpoint `npm start` wrote (it records its prefix and epoch in examples/out/latest.json).
const latest = q.get('prefix') ? {} : await fetch('/examples/out/latest.json').then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
const prefix = q.get('prefix') ?? latest.prefix ?? '/examples/out/lenet';
const epoch = Number(q.get('epoch') ?? latest.epoch ?? 6);
const pad4 = String(epoch).padStart(4, '0');
const $ = (id) => document.getElementById(id);

let predictor;
try {
  predictor = await mx.Predictor.loadAsync({ symbol: `${prefix}-symbol.json`, params: `${prefix}-${pad4}.params`, inputShapes: { data: [1, 1, 28, 28] } });
  $('model').textContent = `model: ${prefix} (epoch ${epoch})`;
} catch (e) {
  $('model').innerHTML = `<b>No model at ${prefix}-${pad4}.params</b>: run <code>npm start</code> first (it trains and saves the LeNet there).`;
  window.digitError = String(e);
}

const pad = $('pad'), ctx = pad.getContext('2d');
const clear = () => { ctx.fillStyle = '#000'; ctx.fillRect(0, 0, pad.width, pad.height); $('guess').textContent = '–'; $('probs').innerHTML = ''; };
clear();
ctx.lineCap = ctx.lineJoin = 'round'; ctx.lineWidth = 20; ctx.strokeStyle = '#fff';
let drawing = false, last;
const pos = (e) => { const r = pad.getBoundingClientRect(); return [(e.clientX - r.left) * (pad.width / r.width), (e.clientY - r.top) * (pad.height / r.height)]; };
pad.addEventListener('pointerdown', (e) => { drawing = true; last = pos(e); pad.setPointerCapture(e.pointerId); });
pad.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  const p = pos(e);
  ctx.beginPath(); ctx.moveTo(...last); ctx.lineTo(...p); ctx.stroke();
  last = p;
  schedule();
});
pad.addEventListener('pointerup', () => { drawing = false; schedule(); });
$('clear').onclick = clear;

let pending = false;
function schedule() { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; classify(); }); } }

function classify() {
  if (!predictor) return;
  const img = ctx.getImageData(0, 0, pad.width, pad.height);
  const x = toMnist(img);
  if (!x) return;
  const small = $('small').getContext('2d'), out = small.createImageData(28, 28);
  for (let i = 0; i < 784; i++) { const v = Math.round(x[i] * 255); out.data.set([v, v, v, 255], i * 4); }
  small.putImageData(out, 0, 0);
  const t = performance.now();
  const [probs] = predictor.forward(x);
  const ms = performance.now() - t;
  const p = Array.from(probs.data);
  const best = p.indexOf(Math.max(...p));
  $('guess').textContent = String(best);
  bars($('probs'), p.map((v, i) => [String(i), v]), { highlight: best });
  $('latency').textContent = `inference ${ms.toFixed(2)} ms`;
  window.digitResult = { best, probs: p };
}
window.digitReady = true;
