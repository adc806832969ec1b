/**
 * The importer's per-node view: inputs as constants (folded at import) or Symbols, attributes with
 * ONNX defaults, static shapes (inferred with symbolic dims at 1 and again at 2, to tell which shape
 * values follow a dynamic dimension), and creation of mxwasm op nodes and parameters.
 */
import { ArgumentError, MxError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { Variable, createOp } from '../symbol/create.js';
import { AttrScope } from '../symbol/naming.js';
import type { Symbol } from '../symbol/symbol.js';
import type { OnnxAttribute, OnnxNode } from './proto.js';
import { tensorValues, type Const } from './tensor.js';
/** A value in the importer: a constant (with per-element dynamic tags for shape tensors) or a Symbol. */
export interface Val { c?: Const; s?: Symbol; dyn?: boolean[] }
/** Mutable import state shared by all nodes. */
export interface ImportState {
  opset: number;
  values: Map<string, Val>;
  argParams: Record<string, NDArray>;
  auxParams: Record<string, NDArray>;
  /** Shapes of graph inputs at symbolic dims = 1 and = 2, and of every parameter. */
  shapes1: Record<string, number[]>;
  shapes2: Record<string, number[]>;
  used: Set<string>;
  baseDir?: string;
  shapeCache: WeakMap<Symbol, { s1?: number[]; s2?: number[] }>;
}
/** Errors that name the node, its op and the opset. */
export function unsupported(n: OnnxNode, opset: number, msg: string): MxError {
  return new MxError('unsupported', `ONNX node '${n.name || n.output[0]}' (${n.opType}, opset ${opset}): ${msg}`, { node: n.name, op: n.opType, opset });
}
const td = new TextDecoder();
export class NodeCtx {
  readonly name: string;
  private k = 0;
  private plainUsed = false;
  constructor(readonly st: ImportState, readonly node: OnnxNode) {
    let base = node.name || node.output.find(Boolean) || node.opType, name = base, i = 1;
    while (st.used.has(name)) name = `${base}_${i++}`;
    st.used.add(name);
    this.name = name;
  }
  get opset(): number { return this.st.opset; }
  get op(): string { return this.node.opType; }
  fail(msg: string): MxError { return unsupported(this.node, this.opset, msg); }
  /** Number of inputs given (trailing empty names dropped). */
  get nIn(): number { let n = this.node.input.length; while (n > 0 && !this.node.input[n - 1]) n--; return n; }
  has(i: number): boolean { return !!this.node.input[i]; }
  val(i: number): Val {
    const name = this.node.input[i];
    if (!name) throw this.fail(`input ${i} is required`);
    const v = this.st.values.get(name);
    if (!v) throw new ArgumentError(`ONNX node '${this.name}' (${this.op}): input '${name}' is not defined before it (nodes must be topologically sorted)`, { node: this.name });
    return v;
  }
  const(i: number): Const | undefined { return this.has(i) ? this.val(i).c : undefined; }
  /** A constant input that must be there, as numbers. */
  constInts(i: number, what: string): number[] {
    const c = this.const(i);
    if (!c) throw this.fail(`${what} (input ${i}) must be a constant (an initializer or a foldable shape computation)`);
    return Array.from(c.data);
  }
  /** The input as a Symbol; a constant becomes a parameter named after its value. */
  sym(i: number): Symbol {
    const v = this.val(i);
    if (v.s) return v.s;
    const s = this.param(this.node.input[i], v.c!);
    v.s = s;
    return s;
  }
  /** A parameter Variable holding `c` (float32), unique in name. */
  param(name: string, c: Const, aux = false): Symbol {
    let n = name, i = 1;
    while (n in this.st.argParams || n in this.st.auxParams || this.st.used.has(n)) n = `${name}_${i++}`;
    this.st.used.add(n);
    const a = NDArray.empty([...c.dims], 'float32');
    a.data.set(c.data);
    (aux ? this.st.auxParams : this.st.argParams)[n] = a;
    this.st.shapes1[n] = this.st.shapes2[n] = [...c.dims];
    // a parameter belongs to the whole model, also when a loop body (an AttrScope naming its subgraph) makes it
    const scope = AttrScope.current;
    AttrScope.current = {};
    try { return Variable(n); } finally { AttrScope.current = scope; }
  }
  /** Static shape of input i (symbolic dims at 1), or undefined; `dynamic` marks dims that follow a symbolic one. */
  shape(i: number): number[] | undefined { const v = this.val(i); return v.c ? [...v.c.dims] : this.symShape(v.s!).s1; }
  dynDims(i: number): boolean[] | undefined {
    const v = this.val(i);
    if (v.c) return v.c.dims.map(() => false);
    const { s1, s2 } = this.symShape(v.s!);
    return s1 && s2 && s1.length === s2.length ? s1.map((d, k) => d !== s2[k]) : undefined;
  }
  symShape(s: Symbol): { s1?: number[]; s2?: number[] } {
    let r = this.st.shapeCache.get(s);
    if (!r) {
      const args = s.listArguments();
      const out = (sh: Record<string, number[]>) => {
        const own: Record<string, number[]> = {};
        for (const a of args) if (sh[a]) own[a] = sh[a];
        try { return s.inferShapePartial(own).outShapes[0]; } catch { return undefined; }
      };
      r = { s1: out(this.st.shapes1) };
      r.s2 = r.s1 ? out(this.st.shapes2) : undefined;
      this.st.shapeCache.set(s, r);
    }
    return r;
  }
  rank(i: number): number {
    const s = this.shape(i);
    if (!s) throw this.fail(`the shape of input '${this.node.input[i]}' is unknown at import (give the graph inputs static ranks)`);
    return s.length;
  }
  /** An mxwasm op node named after this ONNX node (a suffix for helper nodes). */
  mx(op: string, ins: Symbol[], attrs: Record<string, unknown> = {}, suffix?: string): Symbol {
    const plain = suffix === undefined && !this.plainUsed;
    if (plain) this.plainUsed = true;
    const name = plain ? this.name : `${this.name}_${suffix ?? this.k++}`;
    return createOp(op, ins, { ...attrs, name });
  }
  private attr(name: string): OnnxAttribute | undefined { return this.node.attribute.find((a) => a.name === name); }
  hasAttr(name: string): boolean { return !!this.attr(name); }
  i(name: string, def: number): number { const a = this.attr(name); return a?.i ?? def; }
  f(name: string, def: number): number { const a = this.attr(name); return a?.f ?? (a?.i !== undefined ? a.i : def); }
  s(name: string, def: string): string { const a = this.attr(name); return a?.s ? td.decode(a.s) : def; }
  ints(name: string, def?: number[]): number[] | undefined { const a = this.attr(name); return a ? [...a.ints] : def; }
  floats(name: string, def?: number[]): number[] | undefined { const a = this.attr(name); return a ? [...a.floats] : def; }
  t(name: string): Const | undefined { const a = this.attr(name); return a?.t ? tensorValues(a.t, this.st.baseDir) : undefined; }
  /** Refuses attributes this mapping does not handle when they are set to non-default values. */
  refuse(name: string, ok: (a: OnnxAttribute) => boolean): void {
    const a = this.attr(name);
    if (a && !ok(a)) throw this.fail(`attribute ${name} = ${a.i ?? a.f ?? (a.s ? td.decode(a.s) : a.ints.join(','))} is not supported`);
  }
}
/** Normalises a possibly negative axis. */
export function axis(c: NodeCtx, a: number, rank: number, what = 'axis'): number {
  const k = a < 0 ? a + rank : a;
  if (!(k >= 0 && k < rank)) throw c.fail(`${what} ${a} is out of range for rank ${rank}`);
  return k;
}
