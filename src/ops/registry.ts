import { ArgumentError } from '../errors.js';
import { closest } from '../util/closest.js';
import type { DType } from '../runtime/dtype.js';
import type { KernelTable } from '../runtime/manifest.js';
import type { AttrSpecs, Attrs } from './attrs.js';
import type { Shape } from '../util/shape.js';

export type { Shape };

/** A tensor as kernels see it: a byte offset in the one memory, a shape and a dtype (always contiguous). */
export interface TensorRef { off: number; shape: Shape; dtype: DType; size: number }

/** A lowered kernel call sequence: all offsets and sizes are fixed when it is built. */
export type Step = () => void;

/** What lowering may use. Everything here is fixed at lowering time; nothing is decided at run time. */
export interface LowerCtx {
  K: KernelTable;
  /** True when lowering the training program (Dropout active, BatchNorm batch statistics). */
  isTrain: boolean;
  /** Byte offset of this call's workspace (as many bytes as `workspace()` asked for), or 0. */
  workspace: number;
  /** GEMM packing scratch of the calling thread. */
  scratch: number;
  /** Node name for error messages. */
  node: string;
  /** Seeded random source (Dropout masks, rrelu); deterministic per executor. */
  random: () => number;
}

/** What a dynamic op's run gives: its output shapes, then (outputs allocated) the step that fills them. */
export interface DynamicResult { shapes: Shape[]; write: (outs: TensorRef[]) => void }

/** Gradient request for one input: overwrite, accumulate or skip. */
export type GradReq = 'write' | 'add' | 'null';

export interface ShapeResult { ins: (Shape | undefined)[]; outs: (Shape | undefined)[]; aux?: (Shape | undefined)[] }
export interface TypeResult { ins: DType[]; outs: DType[]; aux?: DType[] }

/** What graph shape inference knows besides the inputs (see OpDef.inferShape). */
export interface KnownShapes { outs: (Shape | undefined)[]; partial: (Shape | undefined)[] }

export interface BackwardArgs {
  ins: TensorRef[];
  outs: TensorRef[];
  aux: TensorRef[];
  /** Gradients of the visible outputs (may be absent for loss heads, which ignore them). */
  outGrads: TensorRef[];
  /** Where to write the gradient of each input; the executor handles 'add' by summing afterwards. */
  inGrads: TensorRef[];
  req: GradReq[];
  /**
   * Per input gradient: true when it is memory no other step writes (a bound gradient array, or autograd's own
   * buffer) and keeps its contents between runs, so an op may rewrite only what changed (sparse Embedding).
   */
  own?: boolean[];
}

/**
 * Everything about one operator, declared in one file and registered in one registry: MXNet name
 * and aliases, attributes with defaults, inputs/aux/outputs, shape and type inference, forward and
 * backward lowering to kernels, what backward reads, and in-place options.
 */
export interface OpDef {
  name: string;
  aliases?: string[];
  attrs: AttrSpecs;
  /** Argument names in MXNet order (data, weight, bias...); may depend on attrs (no_bias, num_args). */
  inputs: (a: Attrs) => string[];
  /** Auxiliary state names (BatchNorm moving_mean/var); they follow the inputs in a node's input list. */
  aux?: (a: Attrs) => string[];
  /** All output names including hidden ones; default ['output']. */
  outputs?: (a: Attrs) => string[];
  /** How many outputs are visible (MXNet hides BatchNorm mean/var unless output_mean_var); default all. */
  visibleOutputs?: (a: Attrs) => number;
  /**
   * Shape inference; may fill in unknown input shapes (weights from data). Throws ShapeError naming the op.
   * `known` (graph inference only, absent when invoked imperatively): the outputs' shapes inferred so far and the
   * partial shapes (MXNet's 0 = unknown dims) of inputs made by `_zeros`-like ops, for backward inference.
   */
  inferShape: (a: Attrs, ins: (Shape | undefined)[], aux: (Shape | undefined)[], node: string, known?: KnownShapes) => ShapeResult;
  /** Type inference; default: every input, output and aux takes the first known input dtype (float32). */
  inferType?: (a: Attrs, ins: (DType | undefined)[], node: string) => TypeResult;
  /** Forward workspace bytes. */
  workspace?: (a: Attrs, ins: Shape[], outs: Shape[], isTrain: boolean) => number;
  forward: (ctx: LowerCtx, a: Attrs, ins: TensorRef[], outs: TensorRef[], aux: TensorRef[]) => Step;
  /** Backward; absent means the op has no gradient (argmax, comparisons): its inputs get none. */
  backward?: {
    /** Which forward values backward reads: lets the memory planner free the rest early. */
    saves: ('inputs' | 'outputs')[];
    /** Loss heads (SoftmaxOutput, *RegressionOutput) ignore incoming gradients (a function: depending on attrs). */
    ignoresOutGrads?: boolean | ((a: Attrs) => boolean);
    workspace?: (a: Attrs, ins: Shape[], outs: Shape[]) => number;
    lower: (ctx: LowerCtx, a: Attrs, g: BackwardArgs) => Step;
  };
  /** [input, output] pairs that may share a buffer (elementwise ops). */
  inplace?: [number, number][];
  /**
   * Data-dependent output shapes (boolean_mask, nonzero, unique, NMS; MXNet runs these through its imperative path).
   * `inferShape` then gives upper bounds (so the rest of a graph infers statically) and `forward` is never lowered:
   * at run time `dynamic` reads the inputs and returns the real output shapes with a step writing outputs of those
   * shapes. Imperative calls use it directly; a graph is bound as static segments around such nodes.
   */
  dynamic?: (ctx: LowerCtx, a: Attrs, ins: TensorRef[]) => DynamicResult;
  /** Ops whose forward changes aux states in training (BatchNorm). */
  mutatesAux?: boolean;
  /** A short description for docs and `mx.sym` JSDoc. */
  doc?: string;
}

const ops = new Map<string, OpDef>();
const canonical = new Map<string, string>();
/** Declared families not registered yet: canonical op name -> its family's loader (src/ops/index.ts). */
const pending = new Map<string, () => void>();

/** Registers an op under its name and aliases. Registering a name twice throws. @example registerOp(fullyConnected) */
export function registerOp(def: OpDef): void { add(def, false); }

// Registration runs at import and at a family's first op: plain loops and Map.forEach, not for-of or array spreads
// (in run-once code those allocate an iterator and a result object per step: ~0.1 MB of a cold start's garbage).
function add(def: OpDef, declared: boolean): void {
  const claim = (n: string): void => {
    // A family's own op may take the name its declaration reserved (same canonical name, not registered yet).
    if (canonical.has(n) && !(declared && canonical.get(n) === def.name && !ops.has(def.name))) throw new ArgumentError(`operator ${n} registered twice`);
    canonical.set(n, def.name);
  };
  claim(def.name);
  def.aliases?.forEach(claim);
  ops.set(def.name, def);
}

/**
 * Declares a family of ops by name (`'Name alias=Name ...'`, src/ops/op-names.ts) and registers its definitions on
 * the first look-up of one of them: names, aliases and unknown-op errors are known at once, while a cold start
 * evaluates only the declarations it uses (the bundles load each family's modules then: `// lazy`).
 * @example declareFamily('Dropout', () => [dropout])
 */
export function declareFamily(names: string, load: () => OpDef[]): void {
  const declared: string[] = [];
  let done = false;
  const register = (): void => {
    if (done) return;
    done = true;
    declared.forEach((c) => pending.delete(c));
    load().forEach((def) => add(def, true));
    // A stale declaration (an op the family no longer has) is forgotten, not left dangling.
    canonical.forEach((c, n) => { if (!ops.has(c) && declared.includes(c)) canonical.delete(n); });
  };
  const toks = names.split(' ');
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i];
    if (!tok) continue;
    const eq = tok.indexOf('=');
    const n = eq < 0 ? tok : tok.slice(0, eq), c = eq < 0 ? tok : tok.slice(eq + 1);
    if (canonical.has(n)) throw new ArgumentError(`operator ${n} registered twice`);
    canonical.set(n, c);
    if (eq < 0) { declared.push(n); pending.set(n, register); }
  }
}

/** Registers every declared family (a name not declared may still be in one, if src/ops/op-names.ts is stale). */
function registerAll(): void { for (const load of [...new Set(pending.values())]) load(); }

/** Looks an op up by name or alias. @example getOp('Softmax').name === 'SoftmaxOutput' */
export function getOp(name: string, node?: string): OpDef {
  let c = canonical.get(name);
  if (c === undefined && pending.size) { registerAll(); c = canonical.get(name); }
  if (c !== undefined && !ops.has(c)) { pending.get(c)?.(); c = canonical.get(name); }
  if (c === undefined) {
    const near = closest(name, canonical.keys());
    throw new ArgumentError(`${node ? `Error in operator ${node}: ` : ''}unknown operator '${name}'${near ? ` (did you mean '${near}'?)` : ''}`, { op: name, node });
  }
  return ops.get(c)!;
}

/** True if the name or alias is registered. */
export function hasOp(name: string): boolean {
  if (!canonical.has(name) && pending.size) registerAll();
  return canonical.has(name);
}


/** Calls `f` with every op name and alias, without copying the table. @example eachOpName((n) => names.push(n)) */
export function eachOpName(f: (name: string) => void): void { canonical.forEach((_c, n) => f(n)); }

/** All names including aliases, mapped to canonical names. */
export function listOpNames(): Map<string, string> { return new Map(canonical); }

/** Output names of an op given its attrs. */
export function opOutputs(def: OpDef, a: Attrs): string[] { return def.outputs ? def.outputs(a) : ['output']; }
/** Number of visible outputs. */
export function opVisible(def: OpDef, a: Attrs): number { return def.visibleOutputs ? def.visibleOutputs(a) : opOutputs(def, a).length; }
/** Aux state names. */
export function opAux(def: OpDef, a: Attrs): string[] { return def.aux ? def.aux(a) : []; }

/** True for ops with data-dependent output shapes (OpDef.dynamic). @example isDynamic(getOp('_npx_nonzero')) */
export const isDynamic = (def: OpDef | undefined): boolean => !!def?.dynamic;

/** Whether this node's backward ignores its output gradients (SoftmaxOutput with out_grad=True reads them). @example ignoresOutGrads(def, attrs) */
export function ignoresOutGrads(def: OpDef, a: Attrs): boolean {
  const f = def.backward?.ignoresOutGrads;
  return typeof f === 'function' ? f(a) : !!f;
}
