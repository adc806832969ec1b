// mx.optimizer.getUpdater: a callable holding per-index optimizer states (MXNet's Updater).
import { ArgumentError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { Index, Optimizer } from './optimizer.js';

/** `updater(index, grad, weight)`, with its states. */
export interface Updater {
  (index: Index | Index[], grad: NDArray | NDArray[], weight: NDArray | NDArray[]): void;
  readonly optimizer: Optimizer;
  readonly states: Map<string, NDArray[]>;
  /** Serialised states (MXNet pickles; this is a small binary: JSON header + float32 data). */
  getStates(dumpOptimizer?: boolean): Uint8Array;
  /** Restores states saved by getStates. */
  setStates(bytes: Uint8Array): void;
  /** Frees every state array (Module.dispose calls it). */
  dispose(): void;
}

/**
 * Wraps an optimizer into an updater that creates each index's state on first use (lists of
 * indices, gradients and weights are updated one by one, as MXNet's aggregated call).
 * @example const up = mx.optimizer.getUpdater(mx.optimizer.create('sgd', { momentum: 0.9 })); up(0, grad, weight);
 */
export function getUpdater(optimizer: Optimizer): Updater {
  const states = new Map<string, NDArray[]>();
  const f = ((index: Index | Index[], grad: NDArray | NDArray[], weight: NDArray | NDArray[]) => {
    if (Array.isArray(index)) { index.forEach((ix, j) => f(ix, (grad as NDArray[])[j], (weight as NDArray[])[j])); return; }
    grad = grad as NDArray; weight = weight as NDArray;
    const k = String(index);
    let s = states.get(k);
    if (!s) { s = optimizer.createState(index, weight); states.set(k, s); }
    optimizer.update(index, weight, grad, s);
  }) as Updater;
  Object.defineProperty(f, 'optimizer', { value: optimizer });
  Object.defineProperty(f, 'states', { value: states });
  f.getStates = () => {
    const header: { counts: [string, number][]; numUpdate: number; states: [string, number[][]][] } = {
      counts: [...optimizer.indexUpdateCount.entries()], numUpdate: optimizer.numUpdate,
      states: [...states.entries()].map(([k, arrs]) => [k, arrs.map((a) => a.shape)]),
    };
    const h = new TextEncoder().encode(JSON.stringify(header));
    let total = 0;
    for (const arrs of states.values()) for (const a of arrs) total += a.size;
    const out = new Uint8Array(8 + h.length + (-(8 + h.length) & 3) + total * 4);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, 0x4d585354, true); dv.setUint32(4, h.length, true);
    out.set(h, 8);
    let p = 8 + h.length + (-(8 + h.length) & 3);
    for (const arrs of states.values()) for (const a of arrs) { out.set(new Uint8Array(a.toTypedArray().buffer), p); p += a.size * 4; }
    return out;
  };
  f.dispose = () => { for (const arrs of states.values()) for (const a of arrs) a.dispose(); states.clear(); };
  f.setStates = (bytes: Uint8Array) => {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 8 || dv.getUint32(0, true) !== 0x4d585354) throw new ArgumentError('setStates: not an mxwasm optimizer state blob');
    const hl = dv.getUint32(4, true);
    if (8 + hl > bytes.length) throw new ArgumentError(`setStates: truncated blob (header of ${hl} bytes, ${bytes.length} in all)`);
    let header: { counts: [string, number][]; numUpdate: number; states: [string, number[][]][] };
    try { header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hl))); } catch (e) { throw new ArgumentError(`setStates: bad header: ${(e as Error).message}`); }
    if (!Array.isArray(header?.states) || !Array.isArray(header.counts)) throw new ArgumentError('setStates: bad header: no states / counts');
    // Every shape checked against the bytes there are before anything is allocated (untrusted files).
    let p = 8 + hl + (-(8 + hl) & 3), need = p;
    for (const [, shapes] of header.states) {
      for (const s of shapes ?? []) {
        if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= 0)) throw new ArgumentError(`setStates: bad state shape ${JSON.stringify(s)}`);
        need += s.reduce((a, b) => a * b, 1) * 4;
      }
    }
    if (need > bytes.length) throw new ArgumentError(`setStates: truncated blob (${need} bytes needed, ${bytes.length} given)`);
    for (const arrs of states.values()) for (const a of arrs) a.dispose();
    states.clear();
    for (const [k, shapes] of header.states) {
      states.set(k, shapes.map((shape) => {
        const a = NDArray.empty(shape, 'float32'), n = a.size, f = new Float32Array(n);
        new Uint8Array(f.buffer).set(bytes.subarray(p, p + n * 4)); // unaligned source: copy bytes
        a.data.set(f);
        p += n * 4;
        return a;
      }));
    }
    optimizer.indexUpdateCount.clear();
    for (const [k, c] of header.counts as [string, number][]) optimizer.indexUpdateCount.set(k, c);
    optimizer.numUpdate = header.numUpdate;
  };
  return f;
}
