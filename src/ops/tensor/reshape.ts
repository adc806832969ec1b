// Shape-only ops: Reshape (reshape), Flatten (flatten), expand_dims, squeeze. The data is copied
// unchanged; they declare inplace [[0, 0]] so the planner can alias, and skip the copy when it does.
import { MxError } from '../../errors.js';
import { DTYPE_BYTES } from '../../runtime/dtype.js';
import { inferReshape, prod, fmtShape } from '../../util/shape.js';
import type { Attrs, AttrSpecs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { fail } from './common.js';
import { axisOf, kernelStep } from '../helpers.js';

/** MXNet's deprecated target_shape: 0 means "infer" (at most one), keep_highest keeps dim 0. */
function legacyTarget(x: Shape, t: number[], keepHighest: boolean, node?: string): Shape {
  const out = keepHighest ? [x[0], ...t.slice(1)] : [...t];
  const z = out.map((d, i) => (d === 0 ? i : -1)).filter((i) => i >= 0 && !(keepHighest && i === 0));
  if (z.length > 1) fail(node, 'Reshape', 'target_shape may contain at most one 0');
  if (z.length) out[z[0]] = prod(x) / prod(out.filter((_, i) => i !== z[0]));
  if (!Number.isInteger(prod(out)) || prod(out) !== prod(x)) fail(node, 'Reshape', `cannot reshape ${fmtShape(x)} to target_shape ${fmtShape(t)}`);
  return out;
}

function reshapeShape(x: Shape, a: Attrs, node?: string): Shape {
  if (a.shape.length) {
    try { return inferReshape(x, a.shape, a.reverse); } catch (e) {
      if (e instanceof MxError) fail(node, 'Reshape', e.message.replace(/^Reshape: /, ''));
      throw e;
    }
  }
  if (a.target_shape.length) return legacyTarget(x, a.target_shape, a.keep_highest, node);
  return fail(node, 'Reshape', 'attribute shape (or the deprecated target_shape) is required');
}

function squeezeShape(x: Shape, a: Attrs, node?: string): Shape {
  let out: Shape;
  if (a.axis === null || a.axis.length === 0) out = x.filter((d) => d !== 1);
  else {
    const ax = a.axis.map((v: number) => axisOf(node, 'squeeze', v, x.length));
    for (const k of ax) if (x[k] !== 1) fail(node, 'squeeze', `cannot squeeze axis ${k} of size ${x[k]} (must be 1)`);
    out = x.filter((_, i) => !ax.includes(i));
  }
  return out.length ? out : [1];
}

function copyOp(name: string, aliases: string[], attrs: AttrSpecs, shapeOf: (x: Shape, a: Attrs, node?: string) => Shape, doc: string): OpDef {
  return {
    name, aliases, attrs, doc,
    inputs: () => ['data'],
    inferShape: (a, [x], _aux, node) => (x ? { ins: [x], outs: [shapeOf(x, a, node)] } : { ins: [undefined], outs: [undefined] }),
    forward: (ctx, _a, [x], [y]) => {
      if (x.off === y.off) return () => {};
      const b = x.size * DTYPE_BYTES[x.dtype];
      return kernelStep(ctx.K, 'x8_copy', { src: x.off, dst: y.off, n: b });
    },
    backward: {
      saves: [],
      lower: (ctx, _a, g) => {
        const [og] = g.outGrads, [dx] = g.inGrads;
        if (g.req[0] === 'null' || og.off === dx.off) return () => {};
        const b = og.size * 4;
        return kernelStep(ctx.K, 'x8_copy', { src: og.off, dst: dx.off, n: b });
      },
    },
    inplace: [[0, 0]],
  };
}

export const RESHAPE_OPS: OpDef[] = [
  copyOp('Reshape', ['reshape'], {
    shape: { type: 'shape', default: [] }, reverse: { type: 'bool', default: false },
    target_shape: { type: 'shape', default: [] }, keep_highest: { type: 'bool', default: false },
  }, reshapeShape, 'Reshape with MXNet codes 0 (keep), -1 (infer), -2 (rest), -3 (merge two), -4 (split one); reverse applies them right to left.'),
  copyOp('Flatten', ['flatten'], {}, (x) => [x.length ? x[0] : 1, prod(x.slice(1))], 'Collapses all axes but the first: (d0, d1*...*dk).'),
  copyOp('expand_dims', [], { axis: { type: 'int', required: true } }, (x, a, node) => {
    const k = axisOf(node, 'expand_dims', a.axis, x.length + 1);
    return [...x.slice(0, k), 1, ...x.slice(k)];
  }, 'Inserts an axis of size 1 at `axis` (negative counts from the end of the output).'),
  copyOp('squeeze', [], { axis: { type: 'shapeOrNone', default: null } }, squeezeShape, 'Removes axes of size 1 (all, or those in `axis`); never returns 0-d.'),
];
