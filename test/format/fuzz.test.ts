// Mutation fuzzing of the model-file parsers with the real fixture files (bit flips, boundary
// values, truncation, splices, insertions; JSON text, structure and attribute mutations, also
// through mx.sym.fromJSON + inferShape). Seeded. Only MxError
// may come out, and wasm memory must not grow: nothing is allocated for a bad file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';
import { isMxError } from '../../src/errors.js';
import { loadWithInfo } from '../../src/format/ndarray-io.js';
import { upgradeSymbolJSON } from '../../src/format/legacy-json.js';
import { writeNpy } from '../../src/format/npy.js';
import { writeZip } from '../../src/format/zip.js';
import { zipSync } from 'fflate';
import { mulberry32 } from '../../src/util/random.js';
import { parsePnm, resizeBilinear } from '../../src/format/pnm.js';
import { haveFixtures, fixtureBytes, skip } from './fixtures.js';

const SEED = 20261127;
const BOUNDARY = [0, 1, 0x7f, 0x80, 0xff, 0xfe];
const WORDS = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 0x112, 0xf993fac9, 0xf993faca, 0xf993fac8];

function mutate(src: Uint8Array, pool: Uint8Array[], r: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(r() * n);
  let b = src.slice();
  const rounds = 1 + pick(3);
  for (let k = 0; k < rounds; k++) {
    const op = pick(7), at = pick(b.length + 1);
    if (op === 0) { for (let j = 0, n = 1 + pick(8); j < n && b.length; j++) b[pick(b.length)] ^= 1 << pick(8); }
    else if (op === 1 && b.length) b[pick(b.length)] = BOUNDARY[pick(BOUNDARY.length)];
    else if (op === 2 && b.length >= 8) {
      const dv = new DataView(b.buffer), o = pick(b.length - 7);
      if (r() < 0.5) dv.setUint32(o, WORDS[pick(WORDS.length)], true);
      else dv.setBigUint64(o, [0n, 2n ** 60n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 32n, BigInt(pick(1000))][pick(6)], true);
    } else if (op === 3) b = b.slice(0, at);
    else if (op === 4) { // splice a chunk of another file (or this one) in place
      const other = pool[pick(pool.length)], s = pick(other.length), len = pick(Math.min(64, other.length - s) + 1);
      const out = new Uint8Array(b.length - Math.min(len, b.length - at) + len);
      out.set(b.subarray(0, at)); out.set(other.subarray(s, s + len), at); out.set(b.subarray(Math.min(b.length, at + len)), at + len);
      b = out;
    } else if (op === 5) { const len = pick(32); b = new Uint8Array([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + len))]); }
    else { const ins = new Uint8Array(pick(16)).map(() => pick(256)); b = new Uint8Array([...b.subarray(0, at), ...ins, ...b.subarray(at)]); }
  }
  return b;
}

/** Structural JSON mutations: bad indices, wrong types, removed fields, cycles. */
function mutateJSON(obj: any, r: () => number): any {
  const pick = (n: number) => Math.floor(r() * n);
  const o = JSON.parse(JSON.stringify(obj));
  const nodes = o.nodes as any[];
  for (let k = 0, n = 1 + pick(3); k < n && nodes.length; k++) {
    const N = nodes.length, node = nodes[pick(N)], op = pick(9);
    const weird = [-1, N, N + 5, 2 ** 53, 1.5, '0', null, [], {}, 'x', true, 1e308];
    if (op === 0 && node.inputs.length) node.inputs[pick(node.inputs.length)][pick(3)] = weird[pick(weird.length)];
    else if (op === 1 && node.inputs.length) node.inputs[pick(node.inputs.length)][0] = pick(N); // forward refs, cycles
    else if (op === 2) delete node[['op', 'name', 'inputs', 'attrs', 'attr', 'param'][pick(6)]];
    else if (op === 3) node[['op', 'name', 'inputs', 'attrs', 'attr', 'param', 'control_deps', 'subgraphs'][pick(8)]] = weird[pick(weird.length)];
    else if (op === 4) o.heads = r() < 0.5 ? [[pick(N + 3), pick(3), 0]] : weird[pick(weird.length)];
    else if (op === 5) o.attrs = r() < 0.5 ? { mxnet_version: ['int', [0, 800, 903, 10000, -1, 'x'][pick(6)]] } : weird[pick(weird.length)];
    else if (op === 6) { const a = node.attrs ?? node.attr ?? node.param; if (a) a[['lr_mult', 'data_lr_mult', 'num_hidden', 'no_bias', 'act_type'][pick(5)]] = weird[pick(weird.length)]; }
    else if (op === 7) nodes.splice(pick(N), 1);
    else node.op = ['null', 'BatchNorm', 'FullyConnected', 'NoSuchOp', 'argmax', 'LeakyReLU'][pick(6)];
  }
  return o;
}

/** Attribute-value and wiring mutations that keep the JSON well-formed (exercise op parsers and shape inference). */
function mutateAttrs(obj: any, r: () => number): any {
  const pick = (n: number) => Math.floor(r() * n);
  const o = JSON.parse(JSON.stringify(obj)), nodes = o.nodes as any[];
  const vals = ['-1', '0', '1', '(3, 3)', '(0, 0)', '(-2, 5)', '()', 'None', 'True', 'x', '1e9', '99999999999', '(1,)', '[2,2]', 'nan'];
  for (let k = 0, n = 1 + pick(3); k < n; k++) {
    const N = nodes.length, node = nodes[pick(N)], op = pick(6);
    const a = node.attrs ?? node.attr ?? node.param ?? (node.attrs = {});
    if (op === 0) { const ks = Object.keys(a); if (ks.length) a[ks[pick(ks.length)]] = vals[pick(vals.length)]; }
    else if (op === 1) a[['kernel', 'num_filter', 'pad', 'stride', 'num_hidden', 'act_type', 'pool_type', 'dim', 'num_args', 'p', 'axis', 'dilate', 'num_group'][pick(13)]] = vals[pick(vals.length)];
    else if (op === 2 && node.inputs.length) node.inputs.pop();
    else if (op === 3 && node.inputs.length) node.inputs[pick(node.inputs.length)][1] = pick(4);
    else if (op === 4) node.op = ['Convolution', 'Pooling', 'Concat', 'FullyConnected', 'Activation', 'null', 'Flatten', 'SoftmaxOutput', 'BatchNorm', 'NoSuchOp'][pick(10)];
    else if (node.inputs.length) node.inputs[pick(node.inputs.length)][0] = pick(N);
  }
  return o;
}

function expectOnlyMxError(run: () => void, what: string): number {
  try { run(); return 0; } catch (e) {
    if (!isMxError(e)) throw new Error(`${what}: non-MxError ${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
    return 1;
  }
}

if (!haveFixtures) skip('fuzz test (no ../shared/fixtures/mxnet)');
else {
  const binaries = [fixtureBytes('apache-mxnet/legacy_ndarray.v0'), fixtureBytes('fcrc-demo/lenet-0001.params')];
  const lenet = loadWithInfo(binaries[1]);
  const npz = lenet.names!.map((n, i) => ({ name: `${n}.npy`, data: writeNpy(lenet.arrays[i].shape, 0, new Uint8Array(lenet.arrays[i].data.slice().buffer)) }));
  lenet.arrays.forEach((a) => a.dispose());
  binaries.push(writeZip(npz.slice(0, 4)), zipSync(Object.fromEntries(npz.slice(4).map((m) => [m.name, m.data]))), npz[0].data);
  const jsonFiles = ['apache-mxnet/save_000800.json', 'fcrc-demo/lenet-symbol.json', 'SqueezeNet_v1.2/model-symbol.json', 'apache-mxnet/test_mkldnn_test_mkldnn_model_model1.json', 'mobilenet-mxnet/mobilenet_v2-symbol.json'];
  const jsonBytes = jsonFiles.map(fixtureBytes);
  const jsonObjs = jsonBytes.map((b) => JSON.parse(new TextDecoder().decode(b)));

  test('binary files (NDArray list V0/V2, npz stored/deflated, npy): 6000 mutations, only MxError, no memory growth', () => {
    const r = mulberry32(SEED);
    const base = mx.memoryStats().bytesInUse;
    let errors = 0;
    for (let i = 0; i < 6000; i++) {
      const src = binaries[i % binaries.length];
      const m = mutate(src, binaries, r);
      errors += expectOnlyMxError(() => { const res = loadWithInfo(m); res.arrays.forEach((a) => a.dispose()); }, `binary case ${i} (from file ${i % binaries.length})`);
      assert.is(mx.memoryStats().bytesInUse, base, `case ${i}: memory grew`);
    }
    assert.ok(errors > 1000 && errors < 6000, `errors ${errors}`);
  });

  test('symbol JSON (0.8 ... 1.4): 2500 byte mutations + 1500 structure mutations, only MxError', () => {
    const r = mulberry32(SEED + 1);
    let errors = 0;
    for (let i = 0; i < 2500; i++) {
      const k = i % 5 === 4 && i % 15 !== 4 ? i % 4 : i % 5; // mobilenet (100 KB) a third as often
      const text = new TextDecoder().decode(mutate(jsonBytes[k], jsonBytes, r));
      errors += expectOnlyMxError(() => upgradeSymbolJSON(text), `json text case ${i} (${jsonFiles[k]})`);
    }
    for (let i = 0; i < 1500; i++) {
      const k = i % 4; // mobilenet takes longest; the small graphs give the same coverage
      const m = mutateJSON(jsonObjs[k], r);
      errors += expectOnlyMxError(() => upgradeSymbolJSON(m), `json structure case ${i} (${jsonFiles[k]})`);
    }
    assert.ok(errors > 1000, `errors ${errors}`);
  });

  test('PGM/PPM images (mxwasm predict input): 1000 mutations, only MxError', () => {
    const r = mulberry32(SEED + 3), enc = new TextEncoder();
    const imgs = [new Uint8Array([...enc.encode('P5\n# digit\n28 28\n255\n'), ...new Uint8Array(784).map((_, i) => i % 251)]),
      new Uint8Array([...enc.encode('P6 4 4 65535\n'), ...new Uint8Array(96).map((_, i) => i)]), enc.encode('P3\n2 2\n255\n1 2 3 4 5 6 7 8 9 10 11 12\n'), enc.encode('P2 3 1 9 1 2 3')];
    for (let i = 0; i < 1000; i++) {
      const m = mutate(imgs[i % imgs.length], imgs, r);
      expectOnlyMxError(() => { const img = parsePnm(m); resizeBilinear(img, 5, 7); }, `image case ${i}`);
    }
  });

  test('symbol loader (mx.sym.fromJSON + inferShape): 1200 attribute/wiring mutations, only MxError', () => {
    const r = mulberry32(SEED + 2);
    const shapes = [[1, 200], [1, 1, 28, 28], [1, 3, 224, 224], [1, 3, 64, 64]];
    let errors = 0;
    for (let i = 0; i < 1200; i++) {
      const k = i % 4, m = mutateAttrs(jsonObjs[k], r);
      errors += expectOnlyMxError(() => mx.sym.fromJSON(m).inferShape({ data: shapes[k] }), `symbol case ${i} (${jsonFiles[k]})`);
    }
    assert.ok(errors > 300, `errors ${errors}`);
  });
}

test.run();
