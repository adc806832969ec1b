/**
 * Exporters of the ops whose ONNX forms return integers or bools where MXNet returns float32 (argmax / argmin,
 * the comparisons) or read integer indices (take): the ONNX op, then a Cast back to FLOAT, as MXNet's own exporter.
 */
import { MxError } from '../errors.js';
import type { Node } from '../graph/node.js';
import type { ExportCtx } from './export-ctx.js';
import { DT } from './tensor.js';
import type { OnnxAttrValue } from './encode.js';

type Exporter = (c: ExportCtx, n: Node) => void;
const ins = (c: ExportCtx, n: Node) => n.inputs.map((e) => c.name(e));

/** `op` (bool or int64 result) into a temporary, then Cast to FLOAT as the node's output; `not` inverts a bool first. */
function toFloat(c: ExportCtx, n: Node, op: string, xs: string[], attrs: Record<string, OnnxAttrValue> = {}, not = false): void {
  const t = c.fresh(`${n.name}_${op.toLowerCase()}`);
  c.node(op, xs, [t], attrs);
  let r = t;
  if (not) { r = c.fresh(`${n.name}_not`); c.node('Not', [t], [r]); }
  c.node('Cast', [r], [n.name], { to: DT.FLOAT });
}

/** A comparison: broadcast (two inputs) or against the `scalar` attribute; GreaterOrEqual / LessOrEqual as Not(Less / Greater) before opset 12. */
function compare(op: string, not = false): Exporter {
  return (c, n) => {
    const xs = ins(c, n).slice(0, 2);
    if (xs.length === 1) xs.push(c.init(`${n.name}_scalar`, [], [n.attrs.scalar as number]));
    if (op === 'GreaterOrEqual' || op === 'LessOrEqual') {
      if (c.opset >= 12) toFloat(c, n, op, xs);
      else toFloat(c, n, op === 'GreaterOrEqual' ? 'Less' : 'Greater', xs, {}, true);
    } else toFloat(c, n, op, xs, {}, not);
  };
}

const arg = (op: string): Exporter => (c, n) => {
  const where = { op: n.op, node: n.name };
  if (n.attrs.axis === null || n.attrs.axis === undefined) throw new MxError('unsupported', `exportModel: ${n.op} (node ${n.name}): axis None (the flattened array) has no ONNX form`, where);
  toFloat(c, n, op, [ins(c, n)[0]], { axis: n.attrs.axis as number, keepdims: n.attrs.keepdims ? 1 : 0 });
};

/**
 * take: Gather with the float indices cast to INT64; mode clip clamps them to the axis first, as MXNet; mode wrap is
 * Gather as is (ONNX Gather takes -n..n-1, what the importer maps onto wrap; further out ONNX refuses where MXNet wraps).
 */
const take: Exporter = (c, n) => {
  const [a, idx] = ins(c, n), mode = n.attrs.mode as string, ax = n.attrs.axis as number;
  let i = idx;
  if (mode === 'clip') {
    const s = c.shape(n.inputs[0]);
    if (!s) throw new MxError('unsupported', `exportModel: take (node ${n.name}): the data shape is needed to clip the indices`, { op: n.op, node: n.name });
    const hi = s[ax < 0 ? ax + s.length : ax] - 1;
    i = c.fresh(`${n.name}_clip`);
    if (c.opset >= 11) c.node('Clip', [idx, c.init(`${n.name}_lo`, [], [0]), c.init(`${n.name}_hi`, [], [hi])], [i]);
    else c.node('Clip', [idx], [i], { min: { f: 0 }, max: { f: hi } });
  }
  const j = c.fresh(`${n.name}_idx`);
  c.node('Cast', [i], [j], { to: DT.INT64 });
  c.node('Gather', [a, j], [n.name], { axis: ax });
};

/** The exporters of this file, by MXNet op name. */
export const INDEX_EXPORTERS: Record<string, Exporter> = {
  argmax: arg('ArgMax'), argmin: arg('ArgMin'), take,
  broadcast_equal: compare('Equal'), broadcast_not_equal: compare('Equal', true), broadcast_greater: compare('Greater'), broadcast_lesser: compare('Less'),
  broadcast_greater_equal: compare('GreaterOrEqual'), broadcast_lesser_equal: compare('LessOrEqual'),
  _equal_scalar: compare('Equal'), _not_equal_scalar: compare('Equal', true), _greater_scalar: compare('Greater'), _lesser_scalar: compare('Less'),
  _greater_equal_scalar: compare('GreaterOrEqual'), _lesser_equal_scalar: compare('LessOrEqual'),
};
