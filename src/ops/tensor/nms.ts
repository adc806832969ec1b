// _contrib_non_max_suppression: ONNX NonMaxSuppression (MXNet has no op with these semantics: _contrib_box_nms pads
// a sorted copy of the boxes). Per batch and class, the boxes scoring above score_threshold, by descending score
// (ties: lower index first), each kept unless its IoU with a kept one exceeds iou_threshold, at most
// max_output_boxes_per_class: rows [batch, class, box] (float32). The row count depends on the values
// (OpDef.dynamic). The three limits are attributes, or inputs read at run time when `tensor_args` names them.
import { ArgumentError, ShapeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { LowerCtx, OpDef, Shape, TensorRef } from '../registry.js';
import { rt } from '../../runtime/runtime.js';
import { f32, view } from '../../runtime/view.js';
import { fmtShape } from '../../util/shape.js';
import { kernelCall } from '../helpers.js';

const OP = '_contrib_non_max_suppression';
const LIMITS = ['max_output_boxes_per_class', 'iou_threshold', 'score_threshold'] as const;
const tensorArgs = (a: Attrs): string[] => (a.tensor_args ? String(a.tensor_args).split(',') : []);

function dims(boxes: Shape, scores: Shape, node?: string): { B: number; C: number; S: number } {
  if (boxes.length !== 3 || boxes[2] !== 4) throw new ShapeError(opMessage(node, OP, `boxes must be [batch, boxes, 4], got ${fmtShape(boxes)}`), { op: OP, arg: 'boxes' });
  if (scores.length !== 3 || scores[0] !== boxes[0] || scores[2] !== boxes[1]) {
    throw new ShapeError(opMessage(node, OP, `scores must be [${boxes[0]}, classes, ${boxes[1]}] for boxes ${fmtShape(boxes)}, got ${fmtShape(scores)}`), { op: OP, arg: 'scores' });
  }
  return { B: boxes[0], C: scores[1], S: boxes[1] };
}

/** The three limits: attributes, or the first value of their tensors. */
function limits(a: Attrs, extra: TensorRef[], node: string): { k: number; iou: number; score?: number } {
  const named = tensorArgs(a), get = (n: string, d: unknown) => {
    const i = named.indexOf(n);
    if (i < 0) return d as number | null;
    const t = extra[i];
    if (t.size < 1) throw new ShapeError(opMessage(node, OP, `${n} is an empty tensor`), { op: OP, arg: n });
    return view(t.dtype, t.off, 1)[0];
  };
  const k = get('max_output_boxes_per_class', a.max_output_boxes_per_class)!, iou = get('iou_threshold', a.iou_threshold)!, score = get('score_threshold', a.score_threshold);
  if (!(Number.isFinite(k) && k >= 0)) throw new ArgumentError(opMessage(node, OP, `max_output_boxes_per_class must be >= 0, got ${k}`), { op: OP, attr: 'max_output_boxes_per_class' });
  if (!(iou >= 0 && iou <= 1)) throw new ArgumentError(opMessage(node, OP, `iou_threshold must be in [0, 1], got ${iou}`), { op: OP, attr: 'iou_threshold' });
  return { k: Math.floor(k), iou, score: score === null ? undefined : score };
}

/** Rows [b, c, box] kept, through f32_nms_greedy__simd128 per batch and class. */
function select(ctx: Pick<LowerCtx, 'K'>, boxes: TensorRef, scores: TensorRef, B: number, C: number, S: number,
  center: number, lim: { k: number; iou: number; score?: number }): number[] {
  const rows: number[] = [];
  if (!lim.k || !S || !C) return rows;
  const r = rt(), ws = r.alloc.alloc(28 * S);
  try {
    const heap = ws, sel = ws + 4 * S, keep = sel + 20 * S, sth = lim.score === undefined ? -Infinity : lim.score;
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < C; c++) {
        const m = kernelCall(ctx.K, 'f32_nms_greedy__simd128', {
          box: boxes.off + b * S * 16, score: scores.off + (b * C + c) * S * 4, n: S, center, iou: lim.iou, sth, k: lim.k, heap, sel, keep,
        });
        const kept = view('int32', keep, m);
        for (let t = 0; t < m; t++) rows.push(b, c, kept[t]);
      }
    }
  } finally { r.alloc.free(ws); }
  return rows;
}

/**
 * non_max_suppression(boxes [B, S, 4], scores [B, C, S], { center_point_box, max_output_boxes_per_class, iou_threshold, score_threshold }).
 * @example mx.nd.contrib.non_max_suppression(boxes, scores, { max_output_boxes_per_class: 10, iou_threshold: 0.5 })
 */
export const nmsOp: OpDef = {
  name: OP,
  attrs: {
    center_point_box: { type: 'int', default: 0 }, max_output_boxes_per_class: { type: 'int', default: 0 },
    iou_threshold: { type: 'float', default: 0 }, score_threshold: { type: 'floatOrNone', default: null },
    tensor_args: { type: 'str', default: '' },
  },
  doc: 'ONNX NonMaxSuppression: [batch, class, box] rows of the boxes kept (the count depends on the values).',
  inputs: (a) => {
    const t = tensorArgs(a);
    for (const n of t) if (!(LIMITS as readonly string[]).includes(n)) throw new ArgumentError(`${OP}: tensor_args names ${n}, not one of ${LIMITS.join(', ')}`, { op: OP, attr: 'tensor_args' });
    return ['boxes', 'scores', ...t];
  },
  // Static inference sees the bound: every candidate kept (at least one row).
  inferShape: (a, ins, _aux, node) => {
    const [boxes, scores] = ins;
    if (!boxes || !scores) return { ins, outs: [undefined] };
    const { B, C, S } = dims(boxes, scores, node);
    const k = tensorArgs(a).includes('max_output_boxes_per_class') ? S : Math.min(S, Math.max(0, a.max_output_boxes_per_class));
    return { ins, outs: [[Math.max(1, B * C * k), 3]] };
  },
  inferType: (_a, ins) => ({ ins: ins.map((t) => t ?? 'float32'), outs: ['float32'] }),
  forward: (ctx) => { throw new ArgumentError(opMessage(ctx.node, OP, 'has a data-dependent shape: run it through its dynamic step')); },
  dynamic: (ctx, a, [boxes, scores, ...extra]) => {
    const { B, C, S } = dims(boxes.shape, scores.shape, ctx.node);
    if (a.center_point_box !== 0 && a.center_point_box !== 1) {
      throw new ArgumentError(opMessage(ctx.node, OP, `center_point_box must be 0 or 1, got ${a.center_point_box}`), { op: OP, attr: 'center_point_box' });
    }
    const rows = select(ctx, boxes, scores, B, C, S, a.center_point_box, limits(a, extra, ctx.node));
    return { shapes: [[rows.length / 3, 3]], write: ([y]) => f32(y.off, y.size).set(rows) };
  },
};
