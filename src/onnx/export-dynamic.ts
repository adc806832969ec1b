/**
 * Exporters of the ops with data-dependent shapes onto their ONNX equivalents: boolean_mask -> Compress, nonzero ->
 * NonZero + Transpose, unique -> Unique (sorted), non_max_suppression -> NonMaxSuppression. mxwasm's indices are
 * float32, ONNX's int64: Casts on the way in (a boolean condition, an int64 box count) and out (indices as FLOAT).
 */
import type { Node } from '../graph/node.js';
import type { ExportCtx } from './export-ctx.js';
import { DT } from './tensor.js';

type Exporter = (c: ExportCtx, n: Node) => void;
const out = (n: Node, k = 0) => (k === 0 ? n.name : `${n.name}${k}`);
const cast = (c: ExportCtx, x: string, to: number, dst = c.fresh(`${x}_cast`)) => { c.node('Cast', [x], [dst], { to }); return dst; };

const booleanMask: Exporter = (c, n) => {
  const [x, i] = n.inputs.map((e) => c.name(e));
  c.node('Compress', [x, cast(c, i, DT.BOOL)], [out(n)], { axis: n.attrs.axis as number });
};

const nonzero: Exporter = (c, n) => {
  const t = c.fresh(`${n.name}_nz`), tt = c.fresh(`${n.name}_t`);
  c.node('NonZero', [c.name(n.inputs[0])], [t]);
  c.node('Transpose', [t], [tt], { perm: [1, 0] });
  cast(c, tt, DT.FLOAT, out(n));
};

const unique: Exporter = (c, n) => {
  const a = n.attrs, raw = [c.fresh(`${n.name}_y`), c.fresh(`${n.name}_first`), c.fresh(`${n.name}_inv`), c.fresh(`${n.name}_counts`)];
  c.node('Unique', [c.name(n.inputs[0])], raw, { sorted: 1, ...(a.axis === null ? {} : { axis: a.axis as number }) });
  c.node('Identity', [raw[0]], [out(n)]);
  let k = 1;
  ([['return_index', 1], ['return_inverse', 2], ['return_counts', 3]] as const).forEach(([flag, j]) => { if (a[flag]) cast(c, raw[j], DT.FLOAT, out(n, k++)); });
};

const nms: Exporter = (c, n) => {
  const a = n.attrs, ins = n.inputs.map((e) => c.name(e)), named = a.tensor_args ? String(a.tensor_args).split(',') : [];
  const arg = (name: string, v: number | null, type: number): string => {
    const i = named.indexOf(name);
    if (i >= 0) return type === DT.INT64 ? cast(c, ins[2 + i], DT.INT64) : ins[2 + i];
    return v === null ? '' : c.init(`${n.name}_${name}`, [1], [v], type);
  };
  const lim = [arg('max_output_boxes_per_class', a.max_output_boxes_per_class as number, DT.INT64), arg('iou_threshold', a.iou_threshold as number, DT.FLOAT),
    arg('score_threshold', a.score_threshold as number | null, DT.FLOAT)];
  while (lim.length && !lim[lim.length - 1]) lim.pop();
  const sel = c.fresh(`${n.name}_sel`);
  c.node('NonMaxSuppression', [ins[0], ins[1], ...lim], [sel], { center_point_box: a.center_point_box as number });
  cast(c, sel, DT.FLOAT, out(n));
};

export const DYNAMIC_EXPORTERS: Record<string, Exporter> = {
  _contrib_boolean_mask: booleanMask, _npx_nonzero: nonzero, _npi_unique: unique, _contrib_non_max_suppression: nms,
};
