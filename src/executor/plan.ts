import { MemoryError, ShapeError } from '../errors.js';
import { Graph } from '../graph/graph.js';
import { dfsOrder, isVariable, type Node, type NodeEntry } from '../graph/node.js';
import type { GradReq, Shape } from '../ops/registry.js';
import { foldBatchNormPass } from '../passes/fold-bn.js';
import { fusePass } from '../passes/fuse.js';
import { gradientPass, type GradInfo } from '../passes/gradient.js';
import { inferShapePass, unknownShapes } from '../passes/infer-shape.js';
import { inferTypePass } from '../passes/infer-type.js';
import { applyPasses } from '../passes/pass.js';
import { planMemoryPass, type StoragePlan } from '../passes/plan-memory.js';
import { verifyPass } from '../passes/verify.js';
import { DTYPE_BYTES, type DType } from '../runtime/dtype.js';
import { memoryMaxBytes } from '../runtime/runtime.js';
import { threadCount } from '../runtime/parts.js';
import { fmtShape, prod } from '../util/shape.js';

/** Everything bind decides before lowering: the planned graph and how its entries map to arrays. */
export interface BindPlan {
  g: Graph;
  shapes: Shape[];
  types: DType[];
  storage: StoragePlan;
  /** Present when gradients were requested. */
  grad?: GradInfo;
  /** Node ids of the forward part, in order; the rest of the op nodes are backward. */
  forward: number[];
  backward: number[];
  /** The graph's forward heads (after fusion). */
  heads: readonly NodeEntry[];
  /** threadCount() when the memory was planned: lowering uses it (conv lanes' workspaces are sized by it). */
  threads: number;
}

export interface PlanRequest {
  outputs: readonly NodeEntry[];
  shapes: Record<string, Shape>;
  types: Record<string, DType>;
  /** Per argument; all 'null' means an inference-only bind (fusion allowed, no backward graph). */
  gradReq: Record<string, GradReq>;
  /** Inference-only binds fuse FC/conv + relu unless this is false. */
  fuse?: boolean;
}

/**
 * Runs the bind pipeline: [fuse | gradient] → inferShape → inferType → planMemory → verify.
 * Final 'write' gradients are planned as external (written straight into the gradient arrays).
 * @example const p = planBind({ outputs: sym.outputs, shapes: { data: [1, 784] }, types: {}, gradReq: {} });
 */
export function planBind(r: PlanRequest): BindPlan {
  const training = Object.values(r.gradReq).some((q) => q !== 'null');
  let g = new Graph(r.outputs).withAttr('shape_inputs', r.shapes).withAttr('type_inputs', r.types).withAttr('grad_req', r.gradReq);
  if (training) {
    // head-gradient and zero variables take the shapes of the forward entries they mirror
    const f = applyPasses(g, [inferShapePass, inferTypePass]), fig = f.indexed;
    g = applyPasses(g, [gradientPass]);
    const shapes = { ...r.shapes }, types = { ...r.types };
    for (const [v, e] of g.getAttr<GradInfo>('grad_info').mirrors) {
      const s = f.getAttr<(Shape | undefined)[]>('shape')[fig.entryOf(e)];
      if (s) shapes[v.name] = s;
      types[v.name] = f.getAttr<DType[]>('dtype')[fig.entryOf(e)];
    }
    g = g.withAttr('shape_inputs', shapes).withAttr('type_inputs', types);
  } else if (r.fuse !== false) g = applyPasses(g, [foldBatchNormPass, fusePass]);
  g = applyPasses(g, [inferShapePass, inferTypePass]);
  const missing = unknownShapes(g);
  if (missing.length) throw new ShapeError(`cannot infer the shapes of ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}: give their shapes (or the shapes they depend on) at ` +
    `bind`, { unknown: missing });
  const grad = training ? g.getAttr<GradInfo>('grad_info') : undefined;
  const ig = g.indexed;
  checkBytes(g);
  const ext = new Uint8Array(ig.numEntries);
  for (const id of ig.inputNodes) ext[ig.entryPtr[id]] = 1;
  if (grad) {
    for (const [name, k] of Object.entries(grad.gradOutput)) {
      const e = ig.outputs[k];
      if (r.gradReq[name] === 'write' && !isVariable(g.outputs[k].node) && !ig.outputs.subarray(0, k).includes(e)) ext[e] = 1;
    }
  }
  const threads = threadCount(); // the count the memory plan sizes conv lanes' workspaces by (planning is synchronous)
  g = applyPasses(g.withAttr('external_entries', ext), [planMemoryPass, verifyPass]);
  const heads = g.outputs.slice(0, grad ? grad.numForward : g.outputs.length);
  const fwdSet = new Set<Node>(dfsOrder(heads));
  const forward: number[] = [], backward: number[] = [];
  ig.nodes.forEach((n, i) => { if (!isVariable(n)) (fwdSet.has(n) ? forward : backward).push(i); });
  return { g, shapes: g.getAttr<Shape[]>('shape'), types: g.getAttr<DType[]>('dtype'), storage: g.getAttr<StoragePlan>('storage'), grad, forward, backward, heads, threads };
}

/** Every entry's bytes (by dtype) within the memory's maximum, before memory planning sizes anything by them. */
function checkBytes(g: Graph): void {
  const shapes = g.getAttr<Shape[]>('shape'), types = g.getAttr<DType[]>('dtype'), ig = g.indexed, max = memoryMaxBytes();
  ig.nodes.forEach((n, i) => {
    for (let e = ig.entryPtr[i]; e < ig.entryPtr[i + 1]; e++) {
      const bytes = prod(shapes[e]) * (DTYPE_BYTES[types[e]] ?? 4);
      if (bytes > max) throw new MemoryError(`bind: ${n.name}${isVariable(n) ? '' : `[${e - ig.entryPtr[i]}]`} of shape ${fmtShape(shapes[e])} needs ${bytes} bytes, more than the memory's maximum ` +
        `of ${max}`, { node: n.name, bytes });
    }
  });
}
