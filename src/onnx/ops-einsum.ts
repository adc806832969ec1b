/**
 * ONNX Einsum (12) onto transpose / sum / Reshape / batch_dot: operands are contracted left to right, two at
 * a time: letters only one side needs are summed first; the pair is laid out as (batch, free, contracted) ×
 * (batch, contracted, free) for one batch_dot; the result is reshaped and transposed to the output order.
 * Refused with a clear message: ellipsis ('...'), a letter repeated within one operand (diagonals / traces),
 * broadcasting of size-1 dims between operands, and dynamic (symbolic) dims.
 */
import type { Symbol } from '../symbol/symbol.js';
import type { NodeCtx } from './context.js';
import type { Mapper } from './ops-nn.js';

interface Term { s: Symbol; letters: string[] }

/** Parsed equation: per-input letters and the output letters (implicit form: letters seen once, sorted). */
export function parseEinsum(eq: string, nIn: number): { ins: string[][]; out: string[] } | string {
  const e = eq.replace(/\s+/g, '');
  if (e.includes('.')) return 'ellipsis (...) is not supported';
  const [lhs, rhs] = e.split('->');
  const ins = lhs.split(',').map((t) => [...t]);
  if (ins.length !== nIn) return `the equation has ${ins.length} operands, the node ${nIn} inputs`;
  for (const t of [...ins, ...(rhs !== undefined ? [[...rhs]] : [])]) {
    if (t.some((ch) => !/[a-zA-Z]/.test(ch))) return `invalid subscripts '${t.join('')}'`;
    if (new Set(t).size !== t.length) return `a letter repeated within '${t.join('')}' (diagonal or trace) is not supported`;
  }
  const count = new Map<string, number>();
  for (const t of ins) for (const ch of t) count.set(ch, (count.get(ch) ?? 0) + 1);
  const out = rhs !== undefined ? [...rhs] : [...count.keys()].filter((k) => count.get(k) === 1).sort();
  if (out.some((ch) => !count.has(ch))) return `output letter not in any input: '${rhs}'`;
  return { ins, out };
}

const Einsum: Mapper = (c) => {
  const p = parseEinsum(c.s('equation', ''), c.nIn);
  if (typeof p === 'string') throw c.fail(p);
  const size = new Map<string, number>();
  const terms: Term[] = p.ins.map((letters, i) => {
    const sh = c.shape(i);
    if (!sh || sh.length !== letters.length) throw c.fail(`input ${i} has shape [${sh?.join(', ')}], not ${letters.length} dims as '${letters.join('')}'`);
    if (c.dynDims(i)?.some(Boolean)) throw c.fail(`input ${i} has dynamic (symbolic) dims`);
    letters.forEach((ch, k) => {
      if (size.has(ch) && size.get(ch) !== sh[k]) throw c.fail(`letter ${ch} has sizes ${size.get(ch)} and ${sh[k]} (broadcasting is not supported)`);
      size.set(ch, sh[k]);
    });
    return { s: c.sym(i), letters };
  });
  let k = 0;
  const tag = () => `e${k++}`;
  const dims = (ls: string[]) => ls.map((ch) => size.get(ch)!);
  /** Sums the letters of t not in keep, then permutes it to `order`. */
  const reduce = (t: Term, keep: Set<string>): Term => {
    const drop = t.letters.map((ch, i) => (keep.has(ch) ? -1 : i)).filter((i) => i >= 0);
    if (!drop.length) return t;
    return { s: c.mx('sum', [t.s], { axis: drop }, tag()), letters: t.letters.filter((ch) => keep.has(ch)) };
  };
  const permute = (t: Term, order: string[]): Symbol => (order.every((ch, i) => t.letters[i] === ch) ? t.s : c.mx('transpose', [t.s], { axes: order.map((ch) => t.letters.indexOf(ch)) }, tag()));
  const reshape = (s: Symbol, shape: number[]) => c.mx('Reshape', [s], { shape }, tag());
  const prod = (v: number[]) => v.reduce((a, b) => a * b, 1);
  let acc = terms[0];
  for (let i = 1; i <= terms.length; i++) {
    const later = new Set([...p.out, ...terms.slice(i + 1).flatMap((t) => t.letters)]);
    if (i === terms.length) { acc = reduce(acc, new Set(p.out)); break; }
    const a = reduce(acc, new Set([...later, ...terms[i].letters])), b = reduce(terms[i], new Set([...later, ...a.letters]));
    const batch = a.letters.filter((ch) => b.letters.includes(ch) && later.has(ch));
    const contr = a.letters.filter((ch) => b.letters.includes(ch) && !later.has(ch));
    const fa = a.letters.filter((ch) => !b.letters.includes(ch)), fb = b.letters.filter((ch) => !a.letters.includes(ch));
    const [B, M, K, N] = [prod(dims(batch)), prod(dims(fa)), prod(dims(contr)), prod(dims(fb))];
    const A3 = reshape(permute(a, [...batch, ...fa, ...contr]), [B, M, K]), B3 = reshape(permute(b, [...batch, ...contr, ...fb]), [B, K, N]);
    const letters = [...batch, ...fa, ...fb];
    acc = { s: reshape(c.mx('batch_dot', [A3, B3], {}, tag()), letters.length ? dims(letters) : [1]), letters };
    if (!letters.length) acc = { s: acc.s, letters: [] };
  }
  const y = permute(acc, p.out);
  if (!p.out.length) return c.mx('Reshape', [y], { shape: [1] }, 'scalar'); // mxwasm has no 0-d arrays
  return y === acc.s && y === terms[0].s ? c.mx('identity', [y]) : y;
};

export const EINSUM_MAP: Record<string, Mapper> = { Einsum };
