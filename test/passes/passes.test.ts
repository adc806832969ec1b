// Passes: contracts, memory planning (reuse, in-place, no overlap), gradient graph shape, verifier.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import { Graph } from '../../src/graph/graph.js';
import { applyPasses } from '../../src/passes/pass.js';
import { inferShapePass } from '../../src/passes/infer-shape.js';
import { inferTypePass } from '../../src/passes/infer-type.js';
import { planMemoryPass, variablesExternal, type StoragePlan } from '../../src/passes/plan-memory.js';
import { gradientPass, type GradInfo } from '../../src/passes/gradient.js';
import { verifyPass } from '../../src/passes/verify.js';
import { mulberry32 } from '../../src/util/random.js';
import type { Symbol } from '../../src/symbol/symbol.js';
import { symGradCheck } from '../executor/gradcheck.js';

const { sym } = mx;

function plan(s: Symbol, shapes: Record<string, number[]>): Graph {
  let g = applyPasses(new Graph(s.outputs).withAttr('shape_inputs', shapes).withAttr('type_inputs', {}), [inferShapePass, inferTypePass]);
  g = g.withAttr('external_entries', variablesExternal(g));
  return applyPasses(g, [planMemoryPass, verifyPass]);
}

test('applyPasses checks contracts', () => {
  const g = new Graph(sym.Variable('x').outputs);
  try { applyPasses(g, [planMemoryPass]); assert.unreachable(); } catch (e) { assert.match((e as Error).message, /planMemory requires graph attribute\(s\) shape, dtype, external_entries/); }
  const liar = { name: 'liar', requires: [], provides: ['thing'], changesGraph: false, run: (x: Graph) => x };
  try { applyPasses(g, [liar]); assert.unreachable(); } catch (e) { assert.match((e as Error).message, /did not provide thing/); }
});

test('a chain reuses buffers and runs in place: arena far below the naive sum', () => {
  let x = sym.Variable('x');
  const y = sym.Variable('y');
  for (let i = 0; i < 10; i++) x = x.add(y);
  const g = plan(x, { x: [1000], y: [1000] });
  const p = g.getAttr<StoragePlan>('storage');
  assert.is(p.naiveBytes, 10 * 4032);
  assert.is(p.arenaBytes, 4032);
  assert.is(p.inplaceCount, 9);
});

test('random DAGs: plans verify and executing them gives the reference values and gradients', () => {
  const r = mulberry32(11);
  for (let trial = 0; trial < 30; trial++) {
    const nVar = 1 + Math.floor(r() * 3), n = 8;
    const syms: Symbol[] = [], coef: number[][] = [];
    for (let v = 0; v < nVar; v++) { syms.push(sym.Variable(`v${v}`)); coef.push(Array.from({ length: nVar }, (_, j) => (j === v ? 1 : 0))); }
    for (let k = 0; k < 12; k++) {
      const i = Math.floor(r() * syms.length), j = Math.floor(r() * syms.length);
      syms.push(syms[i].add(syms[j]));
      coef.push(coef[i].map((c, t) => c + coef[j][t]));
    }
    const heads = [syms.length - 1, ...[0, 1].map(() => nVar + Math.floor(r() * 12))];
    const net = sym.Group(heads.map((h) => syms[h]));
    const shapes: Record<string, number[]> = {};
    net.listArguments().forEach((a) => { shapes[a] = [n]; });
    plan(net, shapes);
    const exe = net.simpleBind({ shapes });
    const vals = net.listArguments().map((a, i) => { const v = randArray(n, 100 * trial + i); exe.argDict[a].set(v); return { idx: Number(a.slice(1)), v }; });
    const outs = exe.forward({ isTrain: true });
    const ws = heads.map((_, k) => randArray(n, 7 + k));
    heads.forEach((h, k) => {
      const ref = new Float32Array(n);
      for (const { idx, v } of vals) for (let t = 0; t < n; t++) ref[t] += coef[h][idx] * v[t];
      assertClose(outs[k].data, ref, 1e-5, 1e-5, `trial ${trial} head ${k}`);
    });
    exe.backward(ws);
    for (const { idx } of vals) {
      const ref = new Float32Array(n);
      heads.forEach((h, k) => { for (let t = 0; t < n; t++) ref[t] += coef[h][idx] * ws[k][t]; });
      assertClose(exe.gradDict[`v${idx}`].data, ref, 1e-5, 1e-5, `trial ${trial} grad v${idx}`);
    }
    exe.dispose();
  }
});

test('random DAGs with in-place activations and products: gradients vs finite differences', () => {
  const r = mulberry32(29);
  for (let trial = 0; trial < 12; trial++) {
    const syms: Symbol[] = [sym.Variable('a'), sym.Variable('b')];
    for (let k = 0; k < 10; k++) {
      const i = Math.floor(r() * syms.length), j = Math.floor(r() * syms.length), pick = r();
      if (pick < 0.35) syms.push(sym.Activation({ data: syms[i], act_type: r() < 0.5 ? 'tanh' : 'sigmoid' }));
      else if (pick < 0.6) syms.push(syms[i].mul(syms[j]));
      else syms.push(syms[i].add(syms[j]));
    }
    const heads = [syms.length - 1, 2 + Math.floor(r() * 10)];
    const net = sym.Group(heads.map((h) => syms[h]));
    const shapes: Record<string, number[]> = {};
    for (const a of net.listArguments()) shapes[a] = [5];
    plan(net, shapes);
    try { symGradCheck(net, shapes, { eps: 1e-3, seed: 100 + trial }).dispose(); } catch (e) { throw new Error(`trial ${trial}: ${(e as Error).message}\n${net.toJSON()}`); }
  }
});

test('gradient graph: one _backward_ node per forward node, sums for fan-out, none for null args', () => {
  const data = sym.Variable('data');
  const fc1 = sym.FullyConnected({ data, num_hidden: 4, name: 'fc1' });
  const fc2 = sym.FullyConnected({ data: fc1, num_hidden: 4, name: 'fc2' });
  const net = fc2.add(fc1);
  const req = { data: 'null', fc1_weight: 'write', fc1_bias: 'write', fc2_weight: 'write', fc2_bias: 'null' };
  const g = applyPasses(new Graph(net.outputs).withAttr('grad_req', req), [gradientPass]);
  const names = g.indexed.nodes.map((x) => x.op);
  assert.equal(names.filter((o) => o.startsWith('_backward_')).sort(), ['_backward_FullyConnected', '_backward_FullyConnected', '_backward_elemwise_add']);
  // the forward add, plus one fan-out sum for fc1's output (add_n when registered, else elemwise_add)
  assert.is(names.filter((o) => o === 'elemwise_add' || o === 'add_n').length, 2);
  const info = g.getAttr<GradInfo>('grad_info');
  assert.equal(Object.keys(info.gradOutput).sort(), ['fc1_bias', 'fc1_weight', 'fc2_weight']);
  assert.is(info.headGradVars.length, 1);
  const bw2 = g.indexed.nodes.find((x) => x.name === 'fc2_backward')!;
  assert.equal(bw2.req, ['write', 'write', 'null']);
});

test('verifier rejects overlapping live buffers and unknown shapes', () => {
  const x = sym.Variable('x'), y = x.add(x).add(x);
  const g = plan(y, { x: [16] });
  const p = g.getAttr<StoragePlan>('storage');
  const bad = { ...p, blocks: p.blocks.map((b) => ({ ...b, off: 0, start: 0, end: 99 })) };
  if (bad.blocks.length > 1) {
    try { applyPasses(g.withAttr('storage', bad), [verifyPass]); assert.unreachable(); } catch (e) { assert.match((e as Error).message, /overlap while both live/); }
  }
  const g2 = applyPasses(new Graph(y.outputs).withAttr('shape_inputs', {}), [inferShapePass]).withAttr('storage', p);
  try { applyPasses(g2, [verifyPass]); assert.unreachable(); } catch (e) { assert.match((e as Error).message, /shape of variable 'x' is unknown/); }
});

test.run();
