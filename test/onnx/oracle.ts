// Shared by the ONNX tests: run a model on onnxruntime-web (the oracle, 1 thread, wasm EP) and on
// mxwasm (importModel → Predictor), and compare within 1e-4 relative.
import * as ort from 'onnxruntime-web';
import { mx, closeMsg } from '../helpers.js';
import { encodeModel, type ModelSpec } from '../../src/onnx/encode.js';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

export type Feeds = Record<string, { data: Float32Array; dims: number[] }>;

/** Outputs of onnxruntime-web, in graph output order. */
export async function ortRun(bytes: Uint8Array, feeds: Feeds): Promise<Float32Array[]> {
  const s = await ort.InferenceSession.create(bytes);
  const r = await s.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)])));
  const out = s.outputNames.map((n) => { const d = r[n].data as ArrayLike<number | bigint>; return Float32Array.from(d as ArrayLike<number>, (v) => Number(v)); });
  await s.release();
  return out;
}

/** Outputs of mxwasm for the imported model. */
export function mxRun(bytes: Uint8Array, feeds: Feeds): Float32Array[] {
  const m = mx.onnx.importModel(bytes);
  const p = mx.Predictor.load({ symbol: m.symbol, params: { argParams: m.argParams, auxParams: m.auxParams }, inputShapes: Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.dims])) });
  try {
    const outs = p.forward(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.data])));
    return outs.map((o) => Float32Array.from(o.data));
  } finally {
    p.dispose();
    for (const a of [...Object.values(m.argParams), ...Object.values(m.auxParams)]) a.dispose();
  }
}

/** Both runs agree within rtol (relative, with a small absolute floor). */
export async function agree(bytes: Uint8Array, feeds: Feeds, what: string, rtol = 1e-4, atol = 1e-5): Promise<void> {
  const want = await ortRun(bytes, feeds), got = mxRun(bytes, feeds);
  if (want.length !== got.length) throw new Error(`${what}: ${got.length} outputs, onnxruntime gave ${want.length}`);
  want.forEach((w, i) => { const m = closeMsg(got[i], w, rtol, atol); if (m) throw new Error(`${what} output ${i}: ${m}`); });
}

/** A model spec's bytes, agreed. */
export async function agreeSpec(spec: ModelSpec, feeds: Feeds, what: string, rtol = 1e-4): Promise<void> {
  return agree(encodeModel(spec), feeds, what, rtol);
}

let seed = 1;
/**
 * Gives a test file its own random stream: `fileSeed(test, 'ops-scatter')` before its tests; the file's draws then
 * start from a seed hashed from the name when its suite starts, so adding or reordering other files cannot change its data.
 */
export function fileSeed(suite: { before: (f: () => void) => void }, name: string): void {
  let h = 2166136261;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  suite.before(() => { seed = h % 1000003 + 1; });
}
/** Random values for dims (seeded, in [-2, 2)). */
export function rnd(dims: number[], lo = -2, hi = 2): Float32Array {
  const n = dims.reduce((p, v) => p * v, 1), a = new Float32Array(n);
  let s = (seed++ * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = lo + (hi - lo) * (s / 2 ** 32); }
  return a;
}

export interface UnitSpec {
  op: string; attrs?: ModelSpec['graph']['nodes'][0]['attrs'];
  /** Data inputs (fed at run time): [name, dims]. */
  ins: [string, number[]][];
  /** Constant inputs (initializers): [name, dims, data, type?]; '' skips an optional input. */
  consts?: ([string, number[], ArrayLike<number>, number?] | '')[];
  order?: string[]; outs?: number; opset: number;
}

/** One-node model: inputs then consts in `order` (default data inputs first), outputs y0..yk. */
export async function unit(u: UnitSpec, what = `${u.op}-${u.opset}`, rtol = 1e-4): Promise<void> {
  const consts = (u.consts ?? []).filter((c): c is [string, number[], ArrayLike<number>, number?] => c !== '');
  const names = u.order ?? [...u.ins.map(([n]) => n), ...(u.consts ?? []).map((c) => (c === '' ? '' : c[0]))];
  const outs = Array.from({ length: u.outs ?? 1 }, (_, i) => `y${i}`);
  const spec: ModelSpec = {
    opset: u.opset,
    graph: {
      nodes: [{ opType: u.op, name: 'n0', inputs: names, outputs: outs, attrs: u.attrs }],
      initializers: consts.map(([name, dims, data, type]) => ({ name, dims, data, type })),
      inputs: u.ins.map(([name, dims]) => ({ name, dims })),
      outputs: outs.map((name) => ({ name })),
    },
  };
  const feeds: Feeds = Object.fromEntries(u.ins.map(([n, d]) => [n, { data: rnd(d), dims: d }]));
  await agreeSpec(spec, feeds, what, rtol);
}
