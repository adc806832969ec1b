/**
 * Graphs with data-dependent shapes (ops declaring OpDef.dynamic: boolean_mask, nonzero, unique, NMS): the graph is
 * cut into static segments, each bound as an ordinary planned Executor once its input shapes are known (cached by
 * shapes, as a Predictor re-binds for a new batch), and each dynamic op runs between segments through its own run,
 * which reads its inputs and reports its output shapes. Segment k holds the static nodes with k dynamic ops on their
 * longest path from the inputs; the dynamic ops of level k run after segment k. Nothing else is decided at run time:
 * a segment's program is flat, as any executor's.
 */
import { ArgumentError, opMessage } from '../errors.js';
import { dfsOrder, isVariable, variableNode, type Node, type NodeEntry } from '../graph/node.js';
import { NDArray } from '../ndarray/ndarray.js';
import { invoke } from '../ndarray/invoke.js';
import { isDynamic, opVisible, type GradReq } from '../ops/registry.js';
import { Executor } from './executor.js';
import type { SegmentRunner } from './segment-runner.js';
import { planBind } from './plan.js';

/** The first dynamic node (for messages). */
export function firstDynamic(heads: readonly NodeEntry[]): Node | undefined { return dfsOrder(heads).find((n) => isDynamic(n.def)); }

interface Stage {
  heads: NodeEntry[];
  /** Entry keys of the heads, in order. */
  keys: string[];
  /** Placeholder variable name -> the entry key whose value it takes. */
  holes: Map<string, string>;
  cache: Map<string, { exe: Executor; owned: NDArray[] }>;
}

/** Executors kept per segment (most recently used): counts that vary widely would otherwise keep one arena each. */
const MAX_BOUND = 8;

const keyOf = (ids: Map<Node, number>, e: NodeEntry) => `${ids.get(e.node)}:${e.index}`;

/**
 * The segments of one graph over the given variable arrays (arguments and aux states by name).
 * @example const s = new Segments(sym.outputs, vars); const outs = s.run(false);
 */
export class Segments implements SegmentRunner {
  private stages: Stage[] = [];
  private dyn: Node[][] = [];
  private ids = new Map<Node, number>();
  private values = new Map<string, NDArray>();
  private produced: NDArray[] = [];

  constructor(private heads: readonly NodeEntry[], private vars: Map<string, NDArray>, private fuse?: boolean) {
    const order = dfsOrder(heads), level = new Map<Node, number>();
    order.forEach((n, i) => this.ids.set(n, i));
    const outLevel = (e: NodeEntry) => level.get(e.node)! + (isDynamic(e.node.def) ? 1 : 0);
    for (const n of order) level.set(n, isVariable(n) ? 0 : Math.max(0, ...n.inputs.map(outLevel)));
    const top = Math.max(0, ...order.map((n) => level.get(n)!));
    // entries a segment must give out: read by a later segment, a dynamic op or a head
    const needed = new Set<string>();
    const use = (e: NodeEntry, by: number | 'dyn' | 'head') => {
      if (isVariable(e.node) || isDynamic(e.node.def)) return;
      if (by === 'dyn' || by === 'head' || by !== level.get(e.node)) needed.add(keyOf(this.ids, e));
    };
    for (const n of order) if (!isVariable(n)) for (const e of n.inputs) use(e, isDynamic(n.def) ? 'dyn' : level.get(n)!);
    for (const h of heads) use(h, 'head');
    for (let k = 0; k <= top; k++) {
      const clones = new Map<Node, Node>(), holes = new Map<string, string>(), byKey = new Map<string, Node>();
      const inputOf = (e: NodeEntry): NodeEntry => {
        if (isVariable(e.node)) return e;
        if (!isDynamic(e.node.def) && level.get(e.node) === k) return { ...e, node: clones.get(e.node)! };
        const key = keyOf(this.ids, e);
        let v = byKey.get(key);
        if (!v) { v = variableNode(`__segment${k}_${e.node.name}_${e.index}`); byKey.set(key, v); holes.set(v.name, key); }
        return { node: v, index: 0 };
      };
      const stage: Stage = { heads: [], keys: [], holes, cache: new Map() };
      for (const n of order) {
        if (isVariable(n) || isDynamic(n.def) || level.get(n) !== k) continue;
        const c: Node = { ...n, inputs: n.inputs.map(inputOf) };
        clones.set(n, c);
        for (let i = 0; i < opVisible(n.def!, n.attrs); i++) {
          const key = keyOf(this.ids, { node: n, index: i });
          if (needed.has(key)) { stage.heads.push({ node: c, index: i }); stage.keys.push(key); }
        }
      }
      this.stages.push(stage);
      this.dyn.push(order.filter((n) => isDynamic(n.def) && level.get(n) === k));
    }
  }

  /** Runs every segment and dynamic op; returns the heads (views valid until the next run). */
  run(isTrain: boolean): NDArray[] {
    for (const a of this.produced) a.dispose();
    this.produced = [];
    this.values.clear();
    this.stages.forEach((st, k) => {
      if (st.heads.length) {
        const exe = this.bound(st, isTrain);
        const feed: Record<string, NDArray> = {};
        for (const [name, key] of st.holes) feed[name] = this.values.get(key)!;
        const outs = exe.forward({ isTrain, ...feed });
        st.keys.forEach((key, i) => this.values.set(key, outs[i]));
      }
      for (const n of this.dyn[k]) {
        const raw: Record<string, unknown> = {};
        for (const a of Object.keys(n.def!.attrs)) if (a in n.dict) raw[a] = n.dict[a];
        const outs = invoke(n.op, n.inputs.map((e) => this.valueOf(e)), raw, { isTrain, node: n.name });
        this.produced.push(...outs);
        outs.forEach((o, i) => this.values.set(keyOf(this.ids, { node: n, index: i }), o));
      }
    });
    return this.heads.map((h) => this.valueOf(h));
  }

  private valueOf(e: NodeEntry): NDArray {
    if (isVariable(e.node)) {
      const a = this.vars.get(e.node.name);
      if (!a) throw new ArgumentError(`bind: no array for variable '${e.node.name}'`);
      return a;
    }
    const v = this.values.get(keyOf(this.ids, e));
    if (!v) throw new ArgumentError(opMessage(e.node.name, e.node.op, `output ${e.index} was not computed before it is read`));
    return v;
  }

  /** The segment's executor for the current shapes of its placeholders (bound on first sight of those shapes). */
  private bound(st: Stage, isTrain: boolean): Executor {
    const feeds = [...st.holes].map(([name, key]) => [name, this.values.get(key)!] as const);
    const sig = `${isTrain ? 1 : 0}|${feeds.map(([, a]) => `${a.dtype}${a.shape.join(',')}`).join(';')}`;
    const hit = st.cache.get(sig);
    if (hit) { st.cache.delete(sig); st.cache.set(sig, hit); return hit.exe; }
    if (st.cache.size >= MAX_BOUND) {
      const [oldSig, old] = st.cache.entries().next().value!;
      st.cache.delete(oldSig); old.exe.dispose(); old.owned.forEach((a) => a.dispose());
    }
    const owned = feeds.map(([, a]) => { const b = NDArray.empty([...a.shape], a.dtype); b.data.fill(0); return b; });
    const args = new Map<string, NDArray>();
    feeds.forEach(([name], i) => args.set(name, owned[i]));
    for (const n of dfsOrder(st.heads)) if (isVariable(n) && !args.has(n.name)) args.set(n.name, this.valueOf({ node: n, index: 0 }));
    const argNames = [...args.keys()], arrays = [...args.values()];
    const shapes = Object.fromEntries(argNames.map((n, i) => [n, arrays[i].shape]));
    const types = Object.fromEntries(argNames.map((n, i) => [n, arrays[i].dtype]));
    const gradReq: Record<string, GradReq> = Object.fromEntries(argNames.map((n) => [n, 'null' as GradReq]));
    try {
      const plan = planBind({ outputs: st.heads, shapes, types, gradReq, fuse: this.fuse });
      const exe = new Executor({
        plan, argNames, auxNames: [], outputNames: st.keys, args: arrays, grads: argNames.map(() => undefined), aux: [], gradReq, owned: [],
        rebind: () => { throw new ArgumentError('a segment of a graph with data-dependent shapes re-binds by itself'); },
      });
      st.cache.set(sig, { exe, owned });
      return exe;
    } catch (e) { owned.forEach((a) => a.dispose()); throw e; }
  }

  /** The first dynamic op, as 'node (op)' (messages). */
  get firstDynamic(): string { const n = this.dyn.flat()[0]; return n ? `${n.name} (${n.op})` : 'none'; }

  /** Bytes planned by every segment executor bound so far. */
  get arenaBytes(): number { let b = 0; for (const st of this.stages) for (const { exe } of st.cache.values()) b += exe.memory.arenaBytes; return b; }
  get naiveBytes(): number { let b = 0; for (const st of this.stages) for (const { exe } of st.cache.values()) b += exe.memory.naiveBytes; return b; }

  /** The segments as text: per level its static nodes' executors (one per input-shape signature) and dynamic ops. */
  debugStr(): string {
    return this.stages.map((st, k) => [`Segment ${k}: ${st.heads.length ? `${st.cache.size} bound` : 'no static nodes'}`,
      ...[...st.cache.values()].map(({ exe }) => exe.debugStr()), ...this.dyn[k].map((n) => `Dynamic:${n.op}, Name=${n.name}`)].join('\n')).join('\n');
  }

  dispose(): void {
    for (const a of this.produced) a.dispose();
    this.produced = [];
    for (const st of this.stages) { for (const { exe, owned } of st.cache.values()) { exe.dispose(); owned.forEach((a) => a.dispose()); } st.cache.clear(); }
  }
}
