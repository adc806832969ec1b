// ONNX models for the import rows, written with mx.onnx (no hand-written protobuf): a zoo network exported with
// mx.onnx.exportModel, and a BERT-style encoder layer written as a PyTorch export looks (a Shape/Gather/Concat
// subgraph for the head reshape, MatMul + Add projections, Erf GELU, LayerNormalization).

function rand(n, seed, lo, hi) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = lo + (hi - lo) * (s / 2 ** 32); }
  return a;
}

/**
 * ONNX bytes of a symbol with deterministic random weights (He-uniform weights, BatchNorm near identity).
 * @example exportNet(mx, netBuilders(mx.sym).resnet18(), [1, 3, 224, 224])
 */
export function exportNet(mx, sym, shape) {
  const inf = sym.inferShape({ data: shape }), argParams = {}, auxParams = {};
  let seed = 11;
  sym.listArguments().forEach((n, i) => {
    if (n === 'data') return;
    const sh = inf.argShapes[i], size = sh.reduce((a, b) => a * b, 1), b = Math.sqrt(6 / (size / sh[0]));
    const v = n.endsWith('_weight') ? rand(size, seed++, -b, b) : n.endsWith('_gamma') ? new Float32Array(size).fill(1) : rand(size, seed++, -0.05, 0.05);
    argParams[n] = mx.nd.array(v, { shape: sh });
  });
  sym.listAuxiliaryStates().forEach((n, i) => {
    const sh = inf.auxShapes[i], size = sh.reduce((a, b) => a * b, 1);
    auxParams[n] = mx.nd.array(n.endsWith('_var') ? rand(size, seed++, 0.9, 1.1) : rand(size, seed++, -0.05, 0.05), { shape: sh });
  });
  const bytes = mx.onnx.exportModel(sym, { argParams, auxParams }, { data: shape }, { opset: 13, dynamicBatch: 'N' });
  for (const a of [...Object.values(argParams), ...Object.values(auxParams)]) a.dispose();
  return bytes;
}

/**
 * A BERT-style encoder layer (post-LN, GELU FFN of ffn*hidden) for input x (batch, seq, hidden), as ONNX bytes;
 * weights uniform in ±scale. The one builder of this model: the bench row and test/onnx/ops-transformer.test.ts.
 * @example encoderLayerOnnx(mx, 128, 256, 4)
 * @example encoderLayerOnnx(mx, 6, 8, 2, { batch: 2, ffn: 2, scale: 0.3 })
 */
export function encoderLayerOnnx(mx, S, H, nh, { batch = 'N', ffn = 4, scale = 0.05 } = {}) {
  const d = H / nh, F = ffn * H, I64 = 7;
  const n = (opType, inputs, outputs, attrs) => ({ opType, inputs, outputs, attrs });
  let seed = 5;
  const w = (name, dims, s = scale) => ({ name, dims, data: rand(dims.reduce((a, b) => a * b, 1), seed++, -s, s) });
  const I = (name, v, dims = [v.length]) => ({ name, dims, data: v, type: I64 });
  const nodes = [
    n('Shape', ['x'], ['shp']), n('Gather', ['shp', 'i0'], ['bsz'], { axis: 0 }), n('Unsqueeze', ['bsz', 'ax0'], ['bsz1']),
    n('Concat', ['bsz1', 'heads'], ['qshape'], { axis: 0 }),
    ...['q', 'k', 'v'].flatMap((t) => [n('MatMul', ['x', `W${t}`], [`${t}0`]), n('Add', [`${t}0`, `b${t}`], [`${t}1`]),
      n('Reshape', [`${t}1`, 'qshape'], [`${t}2`]), n('Transpose', [`${t}2`], [`${t}h`], { perm: t === 'k' ? [0, 2, 3, 1] : [0, 2, 1, 3] })]),
    n('MatMul', ['qh', 'kh'], ['att0']), n('Div', ['att0', 'sqrtd'], ['att1']), n('Softmax', ['att1'], ['att2'], { axis: -1 }),
    n('MatMul', ['att2', 'vh'], ['ctx0']), n('Transpose', ['ctx0'], ['ctx1'], { perm: [0, 2, 1, 3] }),
    n('Concat', ['bsz1', 'flat'], ['oshape'], { axis: 0 }), n('Reshape', ['ctx1', 'oshape'], ['ctx2']),
    n('MatMul', ['ctx2', 'Wo'], ['o0']), n('Add', ['o0', 'bo'], ['o1']), n('Add', ['o1', 'x'], ['r1']),
    n('LayerNormalization', ['r1', 'g1', 'be1'], ['ln1'], { axis: -1, epsilon: { f: 1e-12 } }),
    n('MatMul', ['ln1', 'W1'], ['f0']), n('Add', ['f0', 'b1'], ['f1']),
    n('Div', ['f1', 'sqrt2'], ['g0']), n('Erf', ['g0'], ['g1e']), n('Add', ['g1e', 'one'], ['g2']), n('Mul', ['f1', 'g2'], ['g3']), n('Mul', ['g3', 'half'], ['g4']),
    n('MatMul', ['g4', 'W2'], ['f2']), n('Add', ['f2', 'b2'], ['f3']), n('Add', ['f3', 'ln1'], ['r2']),
    n('LayerNormalization', ['r2', 'g2w', 'be2'], ['y'], { axis: -1, epsilon: { f: 1e-12 } }),
  ];
  const initializers = [
    I('i0', [0], []), I('ax0', [0]), I('heads', [-1, nh, d]), I('flat', [-1, H]),
    ...['q', 'k', 'v', 'o'].flatMap((t) => [w(`W${t}`, [H, H]), w(`b${t}`, [H])]),
    { name: 'sqrtd', dims: [], data: [Math.sqrt(d)] }, { name: 'sqrt2', dims: [], data: [Math.SQRT2] }, { name: 'one', dims: [], data: [1] }, { name: 'half', dims: [], data: [0.5] },
    w('W1', [H, F]), w('b1', [F]), w('W2', [F, H]), w('b2', [H]), w('g1', [H], 1), w('be1', [H]), w('g2w', [H], 1), w('be2', [H]),
  ];
  return mx.onnx.encodeModel({ opset: 17, graph: { name: 'encoder', nodes, initializers, inputs: [{ name: 'x', dims: [batch, S, H] }], outputs: [{ name: 'y', dims: [batch, S, H] }] } });
}

/**
 * A 2-layer LSTM classifier (input (T, N, I), hidden H, the last step's h → Gemm to `classes`), as ONNX bytes;
 * `op` 'GRU': the same with GRU layers (linear_before_reset = 1, as PyTorch exports them).
 * @example lstmClassifierOnnx(mx, 32, 1, 64, 128, 10)
 */
export function lstmClassifierOnnx(mx, T, N, I, H, classes, op = 'LSTM') {
  let seed = 9;
  const p = (name, dims) => ({ name, dims, data: rand(dims.reduce((a, b) => a * b, 1), seed++, -0.1, 0.1) });
  const G = op === 'GRU' ? 3 : 4, attrs = { hidden_size: H, ...(op === 'GRU' ? { linear_before_reset: 1 } : {}) };
  return mx.onnx.encodeModel({
    opset: 14,
    graph: {
      name: `${op.toLowerCase()}2`,
      nodes: [
        { opType: op, inputs: ['x', 'W1', 'R1', 'B1'], outputs: ['y1'], attrs },
        { opType: 'Squeeze', inputs: ['y1', 'ax1'], outputs: ['s1'] },
        { opType: op, inputs: ['s1', 'W2', 'R2', 'B2'], outputs: ['', 'h2'], attrs },
        { opType: 'Squeeze', inputs: ['h2', 'ax0'], outputs: ['last'] },
        { opType: 'Gemm', inputs: ['last', 'Wf', 'bf'], outputs: ['y'], attrs: { transB: 1 } },
      ],
      initializers: [p('W1', [1, G * H, I]), p('R1', [1, G * H, H]), p('B1', [1, 2 * G * H]), p('W2', [1, G * H, H]), p('R2', [1, G * H, H]), p('B2', [1, 2 * G * H]),
        p('Wf', [classes, H]), p('bf', [classes]), { name: 'ax1', dims: [1], data: [1], type: 7 }, { name: 'ax0', dims: [1], data: [0], type: 7 }],
      inputs: [{ name: 'x', dims: [T, N, I] }], outputs: [{ name: 'y', dims: [N, classes] }],
    },
  });
}
