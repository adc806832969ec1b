import { ArgumentError } from '../errors.js';
import { numArgs, numVisible, outputName } from '../graph/indexed.js';
import { dfsOrder, isVariable, type Node, type NodeEntry } from '../graph/node.js';
import { createOp } from './create.js';
import { compose } from './compose.js';
import { inferShape, inferShapePartial, inferType, type ShapeInference, type TypeInference } from './infer.js';
import { toJSON, writeSymbolFile } from './json.js';
import { bind, simpleBind, type BindOptions, type SimpleBindOptions } from '../executor/bind.js';
import type { Executor } from '../executor/executor.js';
import type { NDArray } from '../ndarray/ndarray.js';
import type { Shape } from '../ops/registry.js';

const SCALAR_OPS: Record<string, [string, string, string, string]> = {
  // name: [symbol op hint, scalar op hint, reversed scalar op hint, symbol op]
  add: ['_Plus', '_PlusScalar', '_PlusScalar', 'elemwise_add'],
  sub: ['_Minus', '_MinusScalar', '_RMinusScalar', 'elemwise_sub'],
  mul: ['_Mul', '_MulScalar', '_MulScalar', 'elemwise_mul'],
  div: ['_Div', '_DivScalar', '_RDivScalar', 'elemwise_div'],
  pow: ['_Power', '_PowerScalar', '_RPowerScalar', '_power'],
};
const SCALAR_CANON: Record<string, string> = {
  _PlusScalar: '_plus_scalar', _MinusScalar: '_minus_scalar', _RMinusScalar: '_rminus_scalar', _MulScalar: '_mul_scalar',
  _DivScalar: '_div_scalar', _RDivScalar: '_rdiv_scalar', _PowerScalar: '_power_scalar', _RPowerScalar: '_rpower_scalar',
};

/**
 * A symbolic graph: a list of output entries of immutable nodes (MXNet's Symbol). Build with
 * `mx.sym.Variable` and `mx.sym.<Op>`, inspect with `listArguments()` / `inferShape()`, save with
 * `toJSON()`, run with `simpleBind()` / `bind()`.
 * @example
 * const data = mx.sym.Variable('data');
 * const fc = mx.sym.FullyConnected({ data, num_hidden: 10, name: 'fc1' });
 * fc.listArguments(); // ['data', 'fc1_weight', 'fc1_bias']
 */
export class Symbol {
  constructor(readonly outputs: readonly NodeEntry[]) {}

  /** The node name of a single-output symbol. @example mx.sym.Variable('x').name === 'x' */
  get name(): string | undefined { return this.outputs.length === 1 ? this.outputs[0].node.name : undefined; }

  /** @internal Nodes in DFS post-order. */
  nodes(): Node[] { return dfsOrder(this.outputs); }

  /** @internal Variable nodes used as aux states (mutable op inputs). */
  auxNodes(): Set<Node> {
    const s = new Set<Node>();
    for (const n of this.nodes()) {
      if (isVariable(n)) continue;
      const na = numArgs(n);
      n.inputs.forEach((e, k) => { if (k >= na && isVariable(e.node)) s.add(e.node); });
    }
    return s;
  }

  /** Argument variable names in DFS order (data, weights, labels; not aux). @example fc.listArguments() */
  listArguments(): string[] { const aux = this.auxNodes(); return this.nodes().filter((n) => isVariable(n) && !aux.has(n)).map((n) => n.name); }
  /** Aux state names (BatchNorm moving stats). @example bn.listAuxiliaryStates() // ['bn1_moving_mean', 'bn1_moving_var'] */
  listAuxiliaryStates(): string[] { const aux = this.auxNodes(); return this.nodes().filter((n) => aux.has(n)).map((n) => n.name); }
  /** All variable names (arguments and aux states) in DFS order. @example net.listInputs() */
  listInputs(): string[] { return this.nodes().filter(isVariable).map((n) => n.name); }

  /** Output names: `<name>_<outname>` for ops, the name for variables. @example fc.listOutputs() // ['fc1_output'] */
  listOutputs(): string[] { return this.outputs.map(outputName); }

  /** Every visible output of every node, as one group (names like 'fc1_output', 'fc1_weight'). @example net.getInternals().get('fc1_output') */
  getInternals(): Symbol {
    const outs: NodeEntry[] = [];
    for (const n of this.nodes()) for (let i = 0; i < numVisible(n); i++) outs.push({ node: n, index: i });
    return new Symbol(outs);
  }

  /** The inputs of this symbol's (single) head node, as a group. @example fc.getChildren().listOutputs() */
  getChildren(): Symbol | undefined {
    const n = this.outputs[0]?.node;
    return n && n.inputs.length ? new Symbol(n.inputs.map((e) => ({ node: e.node, index: e.index }))) : undefined;
  }

  /** One output by index or output name. @example net.getInternals().get('fc1_output') */
  get(key: number | string): Symbol {
    if (typeof key === 'number') {
      if (!(key >= 0 && key < this.outputs.length)) throw new ArgumentError(`Symbol.get: index ${key} out of range (${this.outputs.length} outputs)`);
      return new Symbol([this.outputs[key]]);
    }
    const names = this.listOutputs();
    const i = names.indexOf(key);
    if (i < 0) throw new ArgumentError(`Symbol.get: no output named '${key}' (outputs: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''})`);
    return new Symbol([this.outputs[i]]);
  }

  /** An attribute of this symbol's node, as stored (string). @example v.attr('__lr_mult__') */
  attr(key: string): string | undefined { return this.outputs.length === 1 ? this.outputs[0].node.dict[key] : undefined; }
  /** Attributes of this (single-output) symbol's node. @example v.listAttr() // { __shape__: '(1, 2)' } */
  listAttr(): Record<string, string> { return this.outputs.length === 1 ? { ...this.outputs[0].node.dict } : {}; }
  /** Number of outputs (MXNet's len(sym)). @example mx.sym.Group([a, b]).numOutputs === 2 */
  get numOutputs(): number { return this.outputs.length; }
  /** Attributes of every node that has some: {nodeName: {key: value}}. @example net.attrDict().fc1 */
  attrDict(): Record<string, Record<string, string>> {
    const r: Record<string, Record<string, string>> = {};
    for (const n of this.nodes()) if (Object.keys(n.dict).length) r[n.name] = { ...n.dict };
    return r;
  }

  /**
   * Composition: a copy of this graph with variables replaced by other symbols, by name
   * (`{data: other}`) or positionally (in `listArguments()` order).
   * @example const net2 = net.call({ data: mx.sym.Variable('x') });
   */
  call(...args: (Symbol | Record<string, Symbol>)[]): Symbol { return compose(this, args); }

  add(o: Symbol | number): Symbol { return arith(this, o, 'add', false); }
  sub(o: Symbol | number): Symbol { return arith(this, o, 'sub', false); }
  mul(o: Symbol | number): Symbol { return arith(this, o, 'mul', false); }
  div(o: Symbol | number): Symbol { return arith(this, o, 'div', false); }
  pow(o: Symbol | number): Symbol { return arith(this, o, 'pow', false); }
  /** number - this. @example x.rsub(1) */
  rsub(o: number): Symbol { return arith(this, o, 'sub', true); }
  /** number / this. @example x.rdiv(1) */
  rdiv(o: number): Symbol { return arith(this, o, 'div', true); }
  /** number ** this. @example x.rpow(2) */
  rpow(o: number): Symbol { return arith(this, o, 'pow', true); }
  /** -this (saved as _mul_scalar with scalar -1, as MXNet does). @example x.neg() */
  neg(): Symbol { return createOp('_mul_scalar', [this], { scalar: -1 }, '_MulScalar'); }

  /** Shapes of arguments, outputs and aux states; throws if some stay unknown. @example net.inferShape({ data: [1, 784] }).outShapes */
  inferShape(shapes: Record<string, Shape> | Shape[]): ShapeInference<Shape> { return inferShape(this, shapes); }
  /** Like inferShape, with undefined where unknown. @example net.inferShapePartial({ data: [1, 784] }) */
  inferShapePartial(shapes: Record<string, Shape> | Shape[]): ShapeInference { return inferShapePartial(this, shapes); }
  /** Dtypes of arguments, outputs and aux states. @example net.inferType({ data: 'float32' }) */
  inferType(types: Record<string, string> | string[] = {}): TypeInference { return inferType(this, types); }
  /** MXNet 1.x symbol JSON, laid out byte for byte as MXNet writes it. @example fs.writeFileSync('net-symbol.json', net.toJSON()) */
  toJSON(): string { return toJSON(this); }
  /** Writes `toJSON()` to a file (Node). @example net.save('lenet-symbol.json') */
  save(path: string): void { writeSymbolFile(path, toJSON(this)); }
  /** Allocates arguments/gradients/aux by inferred shapes and binds. @example net.simpleBind({ shapes: { data: [64, 784] } }) */
  simpleBind(o: SimpleBindOptions): Executor { return simpleBind(this, o); }
  /** Binds to given arrays. @example net.bind({ args: { data, w }, gradReq: 'null' }) */
  bind(o: BindOptions): Executor { return bind(this, o); }

  /**
   * Binds to the given arrays (inference), runs forward and returns copies of the outputs.
   * @example const [y] = (x.add(x)).eval({ x: mx.nd.ones([2]) }); // [2, 2]
   */
  eval(args: Record<string, NDArray>): NDArray[] {
    const exe = bind(this, { args, gradReq: 'null', auxStates: Object.fromEntries(this.listAuxiliaryStates().map((n) => [n, args[n]])) });
    try { return exe.forward().map((o) => o.copy()); } finally { exe.dispose(); }
  }

  /** Debug form, like MXNet's `<Symbol fc1>`. */
  toString(): string { return `<Symbol ${this.name ?? 'Grouped'}>`; }
}

function arith(a: Symbol, b: Symbol | number, kind: string, reversed: boolean): Symbol {
  const [symHint, scal, rscal, symOp] = SCALAR_OPS[kind];
  if (typeof b === 'number') {
    const hint = reversed ? rscal : scal;
    return createOp(SCALAR_CANON[hint], [a], { scalar: b }, hint);
  }
  if (!(b instanceof Symbol)) throw new ArgumentError(`Symbol.${kind}: expected a Symbol or a number`);
  return createOp(symOp, [a, b], {}, symHint);
}

export { outputName };
