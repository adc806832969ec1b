// Shared by the control-flow tests: seeded argument values and a finite-difference check of a bound symbol.
import { mx, randArray } from '../helpers.js';

/** Fills every argument of an executor with seeded values in [-1, 1). */
export function fill(exe: any, seed: number): void {
  Object.entries(exe.argDict).forEach(([, v]: any, i) => v.data.set(randArray(v.size, seed * 100 + i)));
}

/**
 * Gradients of sum(out_k * w_k) with respect to every argument vs central differences (float32, eps 1e-2), at up to
 * `checks` positions per argument.
 */
export function fdCheck(net: any, shapes: Record<string, number[]>, seed: number, checks = 12, eps = 1e-2, set?: (exe: any) => void): void {
  const exe = net.simpleBind({ shapes, gradReq: 'write' });
  fill(exe, seed);
  set?.(exe);
  const outs = exe.forward({ isTrain: true }), ws = outs.map((o: any, k: number) => randArray(o.size, seed + 50 + k));
  exe.backward(ws.map((w: Float32Array) => mx.nd.array(w)));
  const loss = () => exe.forward({ isTrain: true }).reduce((s: number, o: any, k: number) => s + (o.data as Float32Array).reduce((p: number, v: number, i: number) => p + v * ws[k][i], 0), 0);
  for (const [name, arr] of Object.entries(exe.argDict) as [string, any][]) {
    const g = Float32Array.from(exe.gradDict[name].data as Float32Array), n = arr.size;
    for (let c = 0; c < Math.min(n, checks); c++) {
      const i = Math.floor((c * 7919 + seed) % n), d = arr.data, x0 = d[i];
      d[i] = x0 + eps; const lp = loss(); arr.data[i] = x0 - eps; const lm = loss(); arr.data[i] = x0;
      const num = (lp - lm) / (2 * eps);
      if (!(Math.abs(num - g[i]) <= 3e-3 + 2e-2 * Math.max(Math.abs(num), Math.abs(g[i])))) throw new Error(`gradient of ${name}[${i}]: analytic ${g[i]} vs numeric ${num}`);
    }
  }
  exe.dispose();
}
