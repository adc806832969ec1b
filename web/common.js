// Shared page helpers: load mxwasm (the browser bundle, no build step), show what runs.
import * as mx from '../dist/browser/index.js';

export { mx };

/** Initialises mxwasm and writes the runtime banner into #runtime. */
export async function start() {
  const t0 = performance.now();
  await mx.ready();
  window.mxReadyMs = performance.now() - t0;
  const info = mx.runtimeInfo();
  const el = document.getElementById('runtime');
  if (el) {
    el.textContent = `mxwasm ready in ${(performance.now() - t0).toFixed(0)} ms · kernels: ${info.variant} · memory: ${info.mode} · threads: ${info.threads}` +
      ` · cross-origin isolated: ${globalThis.crossOriginIsolated === true}` + (info.notes.length ? ` · ${info.notes.join('; ')}` : '');
  }
  window.mxInfo = info;
  return info;
}

/** Draws horizontal bars (label, value in [0, 1]) into a container. */
export function bars(container, rows, { max = 1, fmt = (v) => (v * 100).toFixed(1) + '%', highlight = -1 } = {}) {
  container.innerHTML = '';
  rows.forEach(([label, v], i) => {
    const row = document.createElement('div');
    row.className = 'bar-row' + (i === highlight ? ' best' : '');
    row.innerHTML = `<span class="bar-label"></span><span class="bar"><span class="fill"></span></span><span class="bar-value"></span>`;
    row.querySelector('.bar-label').textContent = label;
    row.querySelector('.fill').style.width = `${Math.max(0, Math.min(1, v / max)) * 100}%`;
    row.querySelector('.bar-value').textContent = fmt(v);
    container.appendChild(row);
  });
}
