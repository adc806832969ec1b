// Structural fuzzing of untrusted symbol JSON (issue 14): mutations over the parsed tree rather than its bytes
// (values swapped for hostile numbers and types, entries nested thousands deep, indexes out of range, nodes
// dropped, duplicated or reordered, cycles, huge attribute values), read with mx.sym.fromJSON from text and
// as an object, then inferShape and, where the shapes are small, simpleBind + forward. Seeded; only MxError may
// come out and no wasm memory may stay allocated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';
import { isMxError } from '../../src/errors.js';
import { mulberry32 } from '../../src/util/random.js';

const SEED = 20261207;
const CASES = Number(process.env.MXWASM_FUZZ_CASES ?? 8000);

function nets(): { json: any; shapes: Record<string, number[]> }[] {
  const S = mx.sym, data = S.Variable('data');
  const mlp = S.SoftmaxOutput({ data: S.FullyConnected({ data: S.Activation({ data: S.FullyConnected({ data, num_hidden: 8, name: 'fc1' }), act_type: 'relu' }), num_hidden: 3, name: 'fc2' }), name: 'softmax' });
  const c1 = S.Convolution({ data, kernel: [3, 3], num_filter: 4, pad: [1, 1], name: 'c1' });
  const bn = S.BatchNorm({ data: c1, name: 'bn' });
  const p = S.Pooling({ data: S.Activation({ data: bn, act_type: 'relu' }), kernel: [2, 2], stride: [2, 2], pool_type: 'max', name: 'p' });
  const cat = S.Concat(p, S.Pooling({ data: c1, kernel: [2, 2], stride: [2, 2], pool_type: 'avg', name: 'q' }), { dim: 1, name: 'cat' });
  const cnn = S.FullyConnected({ data: S.Flatten({ data: cat }), num_hidden: 2, name: 'fc' });
  const multi = S.Group([S.SliceChannel({ data, num_outputs: 2, name: 'sc' }), S.LeakyReLU({ data, act_type: 'prelu', name: 'pr' })]);
  return [
    { json: JSON.parse(mlp.toJSON()), shapes: { data: [2, 5] } },
    { json: JSON.parse(cnn.toJSON()), shapes: { data: [1, 3, 6, 6] } },
    { json: JSON.parse(multi.toJSON()), shapes: { data: [2, 4, 3] } },
  ];
}

const WEIRD = () => [-1, -0, 0.5, 1e8, 2 ** 32, 2 ** 53, Number.MAX_VALUE, NaN, Infinity, '0', '', 'x', '(1000000000, 1000000000)', '1e9',
  '(99999999, 1)', null, true, false, [], {}, [0, 0, 0], [1e8, 0, 0], [0, 2 ** 32, 0], { length: 1e9 }, '__proto__'];

/** Every (container, key) in the tree, for picking a place to mutate. */
function places(root: any): [any, string | number][] {
  const out: [any, string | number][] = [], stack = [root];
  while (stack.length) {
    const v = stack.pop();
    for (const k of Array.isArray(v) ? v.keys() : Object.keys(v)) { out.push([v, k]); if (typeof v[k] === 'object' && v[k] !== null) stack.push(v[k]); }
  }
  return out;
}

function mutate(src: any, r: () => number): { obj: any; cyclic: boolean } {
  const pick = (n: number) => Math.floor(r() * n);
  const obj = structuredClone(src);
  let cyclic = false;
  for (let k = 0, n = 1 + pick(3); k < n; k++) {
    const ps = places(obj);
    if (!ps.length) break;
    const [c, key] = ps[pick(ps.length)], op = pick(8), w = WEIRD();
    if (op <= 1) c[key] = w[pick(w.length)];
    else if (op === 2) { let v: any = c[key]; for (let d = 0, D = [200, 5000, 20000][pick(3)]; d < D; d++) v = [v]; c[key] = v; break; } // last: structuredClone cannot copy it
    else if (op === 3) { if (Array.isArray(c)) c.splice(key as number, 1); else delete c[key]; }
    else if (op === 4 && Array.isArray(c)) c.splice(pick(c.length + 1), 0, structuredClone(c[key as number]));
    else if (op === 5 && Array.isArray(c) && c.length > 1) { const j = pick(c.length); [c[key as number], c[j]] = [c[j], c[key as number]]; }
    else if (op === 6 && r() < 0.1) { c[key] = obj; cyclic = true; break; } // places() cannot walk a cycle
    else if (typeof c[key] === 'number' && Number.isInteger(c[key])) c[key] += [1, -1, 1e6, 2 ** 31][pick(4)];
    else if (typeof c[key] === 'string') c[key] = c[key].replace(/\d+/, String([0, 1e9, 2 ** 31, 1e15][pick(4)]));
  }
  return { obj, cyclic };
}

test(`symbol JSON structure: ${CASES} tree mutations (from text and as objects), inferShape, small binds; only MxError`, () => {
  const r = mulberry32(SEED), graphs = nets();
  for (const g of graphs) { const exe = mx.sym.fromJSON(g.json).simpleBind({ shapes: g.shapes }); exe.forward({ isTrain: true }); exe.dispose(); } // one-time lazy allocations
  const base = mx.memoryStats().bytesInUse;
  let errors = 0, bound = 0;
  for (let i = 0; i < CASES; i++) {
    const g = graphs[i % graphs.length], { obj, cyclic } = mutate(g.json, r);
    const asText = !cyclic && i % 2 === 0;
    if (process.env.MXWASM_FUZZ_DUMP === String(i)) console.log(JSON.stringify(obj));
    try {
      let text: string | undefined;
      if (asText) { try { text = JSON.stringify(obj); } catch { text = undefined; } } // a 20000-deep tree may not stringify
      const sym = mx.sym.fromJSON(text ?? obj);
      const inf = sym.inferShape(g.shapes);
      const elems = [...inf.argShapes, ...inf.auxShapes, ...inf.outShapes].reduce((s, x) => s + (x ?? []).reduce((a: number, b: number) => a * b, 1), 0);
      if (elems < 1e5) {
        const exe = sym.simpleBind({ shapes: g.shapes, gradReq: i % 3 === 0 ? 'write' : 'null' });
        try { exe.forward({ isTrain: i % 3 === 0 }); bound++; } finally { exe.dispose(); }
      }
    } catch (e) {
      if (!isMxError(e)) throw new Error(`case ${i} (graph ${i % graphs.length}): non-MxError ${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
      errors++;
      if (process.env.MXWASM_FUZZ_TRACE) console.log(i, (e as Error).message.slice(0, 200));
    }
    assert.is(mx.memoryStats().bytesInUse, base, `case ${i}: memory left allocated`);
  }
  assert.ok(errors > CASES / 4 && errors < CASES, `errors ${errors}`);
  assert.ok(bound > 100, `bound ${bound}`);
});

test.run();
