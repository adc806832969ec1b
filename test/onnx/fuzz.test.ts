// Mutation fuzzing of the ONNX reader and importer (700 + 700 cases by default; MXWASM_ONNX_FUZZ=N runs N of each): bytes (bit flips, boundary values, truncation,
// splices, insertions) of exported real models, and structure (op types, inputs, attributes, dims,
// initializer sizes) of written graphs. Seeded. Only MxError may come out, and what an import
// allocated is freed when it fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';
import { isMxError } from '../../src/errors.js';
import { mulberry32 } from '../../src/util/random.js';
import { encodeModel, type ModelSpec } from '../../src/onnx/encode.js';

const SEED = 20261207;
// Cases per test: the default keeps the suite's time; MXWASM_ONNX_FUZZ=20000 runs the long campaign.
const CASES = Number(process.env.MXWASM_ONNX_FUZZ ?? 0) || 700;
const BYTES = [0, 1, 0x7f, 0x80, 0xff, 0x08, 0x12, 0x1a, 0x22, 0x3a];

function models(): Uint8Array[] {
  const lenet = mx.models.lenet(), mlp = mx.models.mlp([16], 4);
  const out: Uint8Array[] = [];
  for (const [sym, shape] of [[lenet, [1, 1, 28, 28]], [mlp, [2, 20]]] as const) {
    const inf = sym.inferShape({ data: [...shape] }), p: Record<string, any> = {};
    sym.listArguments().forEach((n, i) => { if (n !== 'data' && !n.endsWith('label')) p[n] = mx.nd.zeros(inf.argShapes[i]); });
    out.push(mx.onnx.exportModel(sym, p, { data: [...shape] }, { opset: 13, dynamicBatch: 'N' }));
    Object.values(p).forEach((a: any) => a.dispose());
  }
  return out;
}

function mutate(src: Uint8Array, pool: Uint8Array[], r: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(r() * n);
  let b = src.slice();
  for (let k = 0, rounds = 1 + pick(3); k < rounds; k++) {
    const op = pick(6), at = pick(b.length + 1);
    if (op === 0) for (let j = 0, n = 1 + pick(8); j < n && b.length; j++) b[pick(b.length)] ^= 1 << pick(8);
    else if (op === 1 && b.length) b[pick(b.length)] = BYTES[pick(BYTES.length)];
    else if (op === 2) b = b.slice(0, at);
    else if (op === 3) { const o = pool[pick(pool.length)], s = pick(o.length), len = pick(Math.min(64, o.length - s) + 1); b = new Uint8Array([...b.subarray(0, at), ...o.subarray(s, s + len), ...b.subarray(at)]); }
    else if (op === 4) { const len = pick(32); b = new Uint8Array([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + len))]); }
    else { const ins = new Uint8Array(pick(12)).map(() => pick(256)); b = new Uint8Array([...b.subarray(0, at), ...ins, ...b.subarray(at)]); }
  }
  return b;
}

function tryImport(b: Uint8Array, what: string): void {
  const before = mx.memoryStats().liveBlocks;
  try {
    const m = mx.onnx.importModel(b);
    for (const a of [...Object.values(m.argParams), ...Object.values(m.auxParams)]) a.dispose();
  } catch (e) {
    if (!isMxError(e)) throw new Error(`${what}: non-MxError ${(e as Error)?.stack ?? e}`);
  }
  const after = mx.memoryStats().liveBlocks;
  assert.is(after, before, `${what}: arrays leaked`);
}

test('byte mutations of exported models: only MxError, nothing leaked', () => {
  const pool = models(), r = mulberry32(SEED);
  for (let i = 0; i < CASES; i++) tryImport(mutate(pool[i % pool.length], pool, r), `byte case ${i}`);
});

const OPS = ['Conv', 'Gemm', 'MatMul', 'Relu', 'Reshape', 'Concat', 'Gather', 'Slice', 'Transpose', 'Softmax', 'MaxPool', 'Pad', 'Resize', 'Unsqueeze', 'Squeeze', 'Expand', 'Where',
  'BatchNormalization', 'Shape', 'ConstantOfShape', 'Split', 'ReduceMean', 'Cast', 'Flatten', 'NoSuchOp', '', 'ScatterND', 'ScatterElements', 'QuantizeLinear', 'DequantizeLinear',
  'GroupNormalization', 'LSTM', 'GRU', 'If', 'Loop', 'Scan', 'MatMulInteger', 'ConvInteger', 'QLinearMatMul', 'QLinearConv',
  'DynamicQuantizeLinear', 'Trilu', 'LRN', 'Shrink', 'Celu', 'ReduceLogSumExp', 'Round', 'NonMaxSuppression', 'NonZero', 'Compress', 'Unique'];
const ATTRS = ['axis', 'perm', 'kernel_shape', 'pads', 'axes', 'to', 'mode', 'alpha', 'group', 'strides', 'num_groups', 'block_size', 'hidden_size', 'num_scan_inputs',
  'then_branch', 'else_branch', 'body', 'reduction', 'size', 'upper', 'lambd', 'approximate', 'center_point_box', 'sorted'];

function spec(r: () => number): ModelSpec {
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const weird = [0, -1, 1, 2, 3, 7, -7, 2 ** 31, 1e9];
  const dims = () => Array.from({ length: Math.floor(r() * 5) }, () => pick([1, 2, 3, 4, 0, -1]));
  // a subgraph (If branch, Loop / Scan body): one node over outer or own names
  const sub = () => ({
    nodes: [{ opType: pick(OPS.slice(0, 26)), inputs: [pick(['x', 'w', 'i', 'c', 's', ''])], outputs: ['o'] }],
    inputs: Array.from({ length: Math.floor(r() * 3) }, (_, k) => ({ name: ['i', 'c', 's'][k], dims: [] })), outputs: [{ name: pick(['o', 'x', 'c', 'zz']) }, ...(r() < 0.5 ? [{ name: 'o' }] : [])],
  });
  const nodes = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, k) => ({
    opType: pick(OPS), inputs: Array.from({ length: Math.floor(r() * 4) }, () => pick(['x', 'w', 'k', `t${k - 1}`, '', 'nope'])), outputs: [`t${k}`],
    attrs: Object.fromEntries(Array.from({ length: Math.floor(r() * 3) }, () => [pick(ATTRS),
      pick<any>([pick(weird), [pick(weird), pick(weird)], 'nearest', 'SAME_UPPER', pick(['mul', 'max', 'min', 'add']), { f: pick(weird) }, [1, 1, 1, 1], { g: sub() }])])),
  }));
  return {
    opset: pick([7, 9, 11, 13, 17, 21, 3, 99]),
    graph: {
      nodes,
      initializers: [{ name: 'w', dims: [2, 2], data: [1, 2, 3, 4] }, { name: 'k', dims: [pick([1, 2, 4])], data: [pick(weird), 2].slice(0, 1).concat([1, 1, 1]).slice(0, 1), type: pick([1, 7]) }],
      inputs: [{ name: 'x', dims: r() < 0.2 ? undefined : dims().map((d) => (d === -1 ? 'N' : Math.max(d, 0))) }],
      outputs: [{ name: pick([`t${nodes.length - 1}`, 'x', 'w', 'gone']) }],
    },
  };
}

test('structural mutations: random small graphs of real ops with odd attributes', () => {
  const r = mulberry32(SEED + 1);
  for (let i = 0; i < CASES; i++) {
    let b: Uint8Array;
    try { b = encodeModel(spec(r)); } catch { continue; } // the writer refuses some specs itself
    tryImport(b, `structure case ${i}`);
  }
});

test.run();
