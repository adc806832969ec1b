// Hand-encoded ONNX models (protobuf wire format) for the peer benchmarks: onnx-proto is not a dependency.
// Only the fields ONNX Runtime needs: ir_version, opset_import, graph (nodes, inputs, outputs, initializers).

const enc = new TextEncoder();

function varint(n) {
  const out = [];
  let v = BigInt(n);
  do { let b = Number(v & 0x7fn); v >>= 7n; if (v) b |= 0x80; out.push(b); } while (v);
  return out;
}
const key = (field, wire) => varint((field << 3) | wire);
/** Field with a varint value. */
const fInt = (field, n) => [...key(field, 0), ...varint(n)];
/** Concatenation of byte lists (number arrays or Uint8Arrays: large tensors are never spread into arrays). */
function cat(parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
/** Length-delimited field (bytes, string or nested message). */
const fBytes = (field, bytes) => cat([key(field, 2), varint(bytes.length), bytes]);
const fStr = (field, s) => fBytes(field, enc.encode(s));

const FLOAT = 1;

/** ValueInfoProto for a float tensor of a fixed shape. */
function valueInfo(name, shape) {
  const dims = cat(shape.map((d) => fBytes(1, fInt(1, d))));
  const tensorType = cat([fInt(1, FLOAT), fBytes(2, dims)]);
  return cat([fStr(1, name), fBytes(2, fBytes(1, tensorType))]);
}

/** TensorProto of float data (an initializer). */
function tensor(name, shape, data) {
  const raw = new Uint8Array(new Float32Array(data).buffer);
  return cat([...shape.map((d) => fInt(1, d)), fInt(2, FLOAT), fStr(8, name), fBytes(9, raw)]);
}

/** NodeProto; attrs: { name: int | float | int[] }. */
function node(op, inputs, outputs, attrs = {}) {
  const at = Object.entries(attrs).map(([k, v]) => {
    if (Array.isArray(v)) return fBytes(5, cat([fStr(1, k), fInt(20, 7), ...v.map((x) => fInt(8, x))]));
    if (Number.isInteger(v)) return fBytes(5, cat([fStr(1, k), fInt(20, 2), fInt(3, v)]));
    const f = new Uint8Array(new Float32Array([v]).buffer);
    return fBytes(5, cat([fStr(1, k), fInt(20, 1), key(2, 5), f]));
  });
  return cat([...inputs.map((s) => fStr(1, s)), ...outputs.map((s) => fStr(2, s)), fStr(4, op), ...at]);
}

/**
 * A ModelProto (opset 13) from nodes, graph inputs/outputs and initializers, as bytes.
 * @example onnxModel({ nodes: [['MatMul', ['A', 'B'], ['C']]], inputs: [['A', [2, 3]], ['B', [3, 4]]], outputs: [['C', [2, 4]]] })
 */
export function onnxModel({ nodes, inputs, outputs, initializers = [] }) {
  const graph = cat([
    ...nodes.map(([op, i, o, a]) => fBytes(1, node(op, i, o, a))),
    fStr(2, 'g'),
    ...initializers.map(([n, s, d]) => fBytes(5, tensor(n, s, d))),
    ...inputs.map(([n, s]) => fBytes(11, valueInfo(n, s))),
    ...outputs.map(([n, s]) => fBytes(12, valueInfo(n, s))),
  ]);
  return cat([fInt(1, 8), fStr(2, 'mxwasm-bench'), fBytes(7, graph), fBytes(8, cat([fStr(1, ''), fInt(2, 13)]))]);
}

/** A one-node MatMul model C = A·B with A (M, K) and B (K, N) as inputs. @example await ort.InferenceSession.create(matmulModel(64, 64, 64)) */
export function matmulModel(M, N, K) {
  return onnxModel({ nodes: [['MatMul', ['A', 'B'], ['C']]], inputs: [['A', [M, K]], ['B', [K, N]]], outputs: [['C', [M, N]]] });
}
