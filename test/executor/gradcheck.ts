// Whole-graph finite-difference gradient check through simpleBind/forward/backward.
import { mx, randArray } from '../helpers.js';
import type { Symbol } from '../../src/symbol/symbol.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

export interface SymGradOptions {
  eps?: number; rtol?: number; atol?: number; seed?: number; maxChecks?: number;
  /** Arguments not to check (data, labels) — they get grad_req 'null'. */
  skip?: string[];
  /** Fixed argument values (labels). */
  values?: Record<string, ArrayLike<number>>;
  /** Scalar loss of the outputs for loss heads (whose backward ignores head gradients). */
  loss?: (outs: NDArray[]) => number;
}

/**
 * Binds `net`, fills arguments with seeded values, runs backward with random head gradients w
 * (or none for loss heads) and compares every argument gradient with central differences of
 * sum(out·w) (or `o.loss`). Returns the executor (caller disposes).
 */
export function symGradCheck(net: Symbol, shapes: Record<string, number[]>, o: SymGradOptions = {}) {
  const eps = o.eps ?? 1e-2, rtol = o.rtol ?? 2e-2, atol = o.atol ?? 2e-3, seed = o.seed ?? 3;
  const names = net.listArguments();
  const gradReq: Record<string, 'write' | 'null'> = {};
  for (const n of names) gradReq[n] = o.skip?.includes(n) ? 'null' : 'write';
  const exe = net.simpleBind({ shapes, gradReq });
  exe.argArrays.forEach((a, i) => a.set(o.values?.[names[i]] ?? randArray(a.size, seed + 17 * i, -1, 1)));
  const outs = exe.forward({ isTrain: true });
  const ws = outs.map((x, k) => randArray(x.size, 900 + k, -1, 1));
  const lossOf = (os: NDArray[]) => {
    if (o.loss) return o.loss(os);
    let s = 0;
    os.forEach((x, k) => { const d = x.data; for (let i = 0; i < d.length; i++) s += d[i] * ws[k][i]; });
    return s;
  };
  exe.backward(o.loss ? undefined : ws);
  let r = seed;
  const rnd = () => { r = (r * 1103515245 + 12345) % 2147483648; return r / 2147483648; };
  for (const [i, name] of names.entries()) {
    if (gradReq[name] === 'null') continue;
    const g = exe.gradDict[name].toTypedArray(), a = exe.argArrays[i];
    const m = Math.min(a.size, o.maxChecks ?? 24);
    const picks = a.size <= m ? [...Array(a.size).keys()] : Array.from({ length: m }, () => Math.floor(rnd() * a.size));
    for (const j of picks) {
      const x0 = a.data[j];
      a.data[j] = x0 + eps; const lp = lossOf(exe.forward({ isTrain: true }));
      a.data[j] = x0 - eps; const lm = lossOf(exe.forward({ isTrain: true }));
      a.data[j] = x0;
      const num = (lp - lm) / (2 * eps);
      if (!(Math.abs(num - g[j]) <= atol + rtol * Math.max(Math.abs(num), Math.abs(g[j])))) {
        throw new Error(`gradient of ${name}[${j}]: analytic ${g[j]} vs numeric ${num}`);
      }
    }
  }
  return exe;
}

export { mx };
