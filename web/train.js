// Train in the browser: Module.fitAsync on a generated 3-spiral problem, the training curves
// (mx.viz.trainingCurvesSVG, the same drawing `mxwasm train` writes beside its checkpoint) redrawn
// after every epoch while it runs. ?epochs=N&autorun starts it directly (the browser test does).
import { mx, start } from './common.js';

await start();
const $ = (id) => document.getElementById(id);
const q = new URLSearchParams(location.search);
if (q.get('epochs')) $('epochs').value = q.get('epochs');

/** n points per class on 3 interleaved noisy spirals, in [-1, 1]^2. */
function spirals(n, seed) {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const x = [], y = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      const r = i / n, t = c * 2.1 + r * 4 + (rnd() - 0.5) * 0.35;
      x.push(r * Math.sin(t), r * Math.cos(t)); y.push(c);
    }
  }
  return { x, y, n: 3 * n };
}

function mlp() {
  let net = mx.sym.Variable('data');
  for (const [i, h] of [[1, 64], [2, 64]]) {
    net = mx.sym.FullyConnected({ data: net, num_hidden: h, name: `fc${i}` });
    net = mx.sym.Activation({ data: net, act_type: 'relu', name: `relu${i}` });
  }
  net = mx.sym.FullyConnected({ data: net, num_hidden: 3, name: 'fc3' });
  return mx.sym.SoftmaxOutput({ data: net, name: 'softmax' });
}

const COLORS = [[37, 99, 235], [220, 38, 38], [22, 163, 74]];
/** The decision regions (a 48x48 grid through mod.predict) under the training points. */
function drawPlane(mod, data) {
  const cv = $('plane'), g = cv.getContext('2d'), N = 48, S = cv.width / N;
  if (mod) {
    const grid = [];
    for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) grid.push((i + 0.5) / N * 2 - 1, 1 - (j + 0.5) / N * 2);
    const it = new mx.io.NDArrayIter({ data: mx.nd.array(grid, { shape: [N * N, 2] }), batchSize: 256 });
    const p = mod.predict(it), probs = p.toArray();
    p.dispose();
    probs.forEach((pr, k) => {
      const c = pr.indexOf(Math.max(...pr)), [r, gr, b] = COLORS[c];
      g.fillStyle = `rgba(${r},${gr},${b},0.22)`;
      g.fillRect((k % N) * S, Math.floor(k / N) * S, S, S);
    });
  } else g.clearRect(0, 0, cv.width, cv.height);
  for (let k = 0; k < data.n; k++) {
    const [r, gr, b] = COLORS[data.y[k]];
    g.fillStyle = `rgb(${r},${gr},${b})`;
    g.fillRect((data.x[2 * k] + 1) / 2 * cv.width - 1.5, (1 - data.x[2 * k + 1]) / 2 * cv.height - 1.5, 3, 3);
  }
}

let stopping = false;
async function train() {
  const epochs = Math.max(1, Number($('epochs').value) | 0), lr = Number($('lr').value) || 0.1;
  const tr = spirals(200, 1), va = spirals(60, 2);
  const iter = (d, shuffle) => new mx.io.NDArrayIter({ data: mx.nd.array(d.x, { shape: [d.n, 2] }), label: mx.nd.array(d.y), batchSize: 30, shuffle });
  const trainIter = iter(tr, true), valIter = iter(va, false);
  const mod = new mx.mod.Module({ symbol: mlp() });
  const history = [], draws = [];
  const record = (epoch, kind, metric) => {
    const r = history.find((h) => h.epoch === epoch) ?? (history.push({ epoch, values: {} }), history[history.length - 1]);
    for (const [n, v] of metric.getNameValue()) r.values[`${kind}-${n}`] = v;
    if (kind === 'validation') {
      $('curves').innerHTML = mx.viz.trainingCurvesSVG(history, 'spirals MLP');
      draws.push({ epoch, at: performance.now() });
      $('status').textContent = `epoch ${epoch}/${epochs}: validation accuracy ${(r.values['validation-accuracy'] * 100).toFixed(1)}%`;
    }
  };
  const nb = Math.ceil(tr.n / 30);
  $('train').disabled = true; $('stop').disabled = false; stopping = false;
  window.trainState = { running: true, draws, history };
  const frames = [];
  const tick = (t) => { frames.push(performance.now()); if (window.trainState.running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const t0 = performance.now();
  await mod.fitAsync(trainIter, {
    evalData: valIter, numEpoch: epochs, evalMetric: ['acc', 'ce'], optimizer: 'sgd',
    optimizerParams: { learning_rate: lr, momentum: 0.9 }, initializer: new mx.init.Xavier(),
    batchEndCallback: (p) => {
      if (p.nbatch === nb - 1) record(p.epoch + 1, 'train', p.evalMetric);
      if (stopping) throw new Error('stopped');
    },
    evalEndCallback: (p) => { record(p.epoch + 1, 'validation', p.evalMetric); if (p.epoch % 5 === 4) drawPlane(mod, tr); },
  }).catch((e) => { if (e.message !== 'stopped') throw e; });
  drawPlane(mod, tr);
  const acc = mod.score(valIter, 'acc')[0][1];
  $('status').textContent = `${stopping ? 'stopped' : 'done'}: ${history.length} epochs in ${((performance.now() - t0) / 1000).toFixed(1)} s, validation accuracy ${(acc * 100).toFixed(1)}%`;
  window.trainState = { running: false, draws, history, accuracy: acc, frames, endedAt: performance.now() };
  mod.dispose();
  $('train').disabled = false; $('stop').disabled = true;
}

$('train').onclick = () => train().catch((e) => { $('status').textContent = String(e.message ?? e); window.trainState = { running: false, error: String(e) }; });
$('stop').onclick = () => { stopping = true; };
drawPlane(undefined, spirals(200, 1));
window.trainReady = true;
if (q.has('autorun')) $('train').click();
