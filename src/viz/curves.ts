// Training curves as a standalone SVG (no DOM, no library): what `mxwasm train` writes beside its checkpoint
// and what pages can put in an <img> or innerHTML. One panel per kind of series (loss-like, accuracy-like).

/** One epoch's numbers: series name -> value (e.g. 'train-accuracy', 'validation-cross-entropy'). */
export interface EpochRecord { epoch: number; values: Record<string, number> }

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));

function panel(history: EpochRecord[], names: string[], title: string, x0: number, w: number, h: number): string {
  const vals = history.flatMap((r) => names.map((n) => r.values[n]).filter((v) => Number.isFinite(v)));
  if (!vals.length) return '';
  let lo = Math.min(...vals), hi = Math.max(...vals);
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const L = x0 + 48, R = x0 + w - 12, T = 28, B = h - 30;
  const e0 = history[0].epoch, e1 = Math.max(history[history.length - 1].epoch, e0 + 1);
  const X = (e: number) => L + ((e - e0) / (e1 - e0)) * (R - L), Y = (v: number) => B - ((v - lo) / (hi - lo)) * (B - T);
  let s = `<text x="${x0 + w / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(title)}</text>`;
  s += `<line x1="${L}" y1="${B}" x2="${R}" y2="${B}" stroke="#999"/><line x1="${L}" y1="${T}" x2="${L}" y2="${B}" stroke="#999"/>`;
  for (const v of [lo, (lo + hi) / 2, hi]) s += `<text x="${L - 4}" y="${Y(v) + 4}" text-anchor="end" font-size="10">${fmt(v)}</text>`;
  for (const r of history) s += `<text x="${X(r.epoch)}" y="${B + 14}" text-anchor="middle" font-size="10">${r.epoch}</text>`;
  s += `<text x="${(L + R) / 2}" y="${h - 4}" text-anchor="middle" font-size="10">epoch</text>`;
  names.forEach((n, i) => {
    const pts = history.filter((r) => Number.isFinite(r.values[n])).map((r) => `${X(r.epoch).toFixed(1)},${Y(r.values[n]).toFixed(1)}`);
    const c = COLORS[i % COLORS.length];
    s += `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.join(' ')}"/>`;
    s += pts.map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${c}"/>`).join('');
    s += `<text x="${R - 4}" y="${T + 12 + 13 * i}" text-anchor="end" fill="${c}" font-size="11">${esc(n)}</text>`;
  });
  return s;
}

/**
 * Loss and metric per epoch as an SVG document: accuracy-like series (names containing 'acc', 'f1', 'mcc')
 * in one panel, the rest (losses) in another.
 * @example writeFileSync('model/lenet-training.svg', trainingCurvesSVG([{ epoch: 1, values: { 'train-accuracy': 0.9 } }]))
 */
export function trainingCurvesSVG(history: EpochRecord[], title = 'training'): string {
  const names = [...new Set(history.flatMap((r) => Object.keys(r.values)))];
  const isAcc = (n: string) => /acc|f1|mcc/i.test(n);
  const groups = [names.filter((n) => !isAcc(n)), names.filter(isAcc)].filter((g) => g.length);
  const w = 360, h = 240, W = w * Math.max(1, groups.length);
  const body = history.length ? groups.map((g, i) => panel(history, g, isAcc(g[0]) ? `${title}: metric` : `${title}: loss`, i * w, w, h)).join('')
    : `<text x="${W / 2}" y="${h / 2}" text-anchor="middle">no epochs yet</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="#fff"/>${body}</svg>\n`;
}
