import type { DType } from '../runtime/dtype.js';

/** MXNet's NDArray print form: the nested values, then `<NDArray 2x3 @cpu(0)>`. */
export function formatNDArray(values: unknown, shape: number[], dtype: DType): string {
  const num = (x: number) => {
    if (dtype !== 'float32') return String(x);
    if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.`;
    const s = x.toPrecision(7);
    return String(Number(s));
  };
  const fmt = (v: unknown, depth: number): string => {
    if (!Array.isArray(v)) return num(v as number);
    const sep = depth === shape.length - 1 ? ' ' : '\n' + ' '.repeat(depth + 1);
    const items = v.length > 1000 ? [...v.slice(0, 3).map((x) => fmt(x, depth + 1)), '...', ...v.slice(-3).map((x) => fmt(x, depth + 1))] : v.map((x) => fmt(x, depth + 1));
    return '[' + items.join(sep) + ']';
  };
  const dims = shape.length ? shape.join('x') : '';
  return `\n${fmt(values, 0)}\n<NDArray ${dims} @cpu(0)>`;
}
