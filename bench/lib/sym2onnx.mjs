// MXNet symbol JSON + parameter values -> ONNX model bytes, for the bench's whole-network rows (until the
// project's ONNX exporter exists). Inference only; the ops the zoo networks use: Convolution, BatchNorm,
// Activation (relu), clip, Pooling (max / avg / global), Flatten, FullyConnected, elemwise_add, Concat, Dropout.
import { onnxModel } from './onnx.mjs';

const tupleOf = (s) => (s === undefined ? [] : String(s).replace(/[()[\]\s]/g, '').split(',').filter(Boolean).map(Number));
const bool = (s) => s === true || s === 'True' || s === 'true' || s === '1';

/**
 * The ONNX bytes of a bound network: `json` is the symbol JSON, `shapes` the arg / aux shapes by name, `values`
 * the Float32Arrays by name (BatchNorm's moving stats included), `dataShape` the input's.
 * @example symToOnnx(net.toJSON(), shapes, values, [1, 3, 224, 224], [1, 1000])
 */
export function symToOnnx(json, shapes, values, dataShape, outShape) {
  const { nodes, heads } = JSON.parse(json);
  const out = [], inits = [];
  const ref = ([id, idx]) => (nodes[id].op === 'null' ? nodes[id].name : `${nodes[id].name}_o${idx}`);
  const scalar = (n, v) => { inits.push([n, [], new Float32Array([v])]); return n; };
  nodes.forEach((n, id) => {
    if (n.op === 'null') {
      if (n.name !== 'data') inits.push([n.name, shapes[n.name], values[n.name]]);
      return;
    }
    const a = n.attrs ?? {}, ins = n.inputs.map(ref), y = `${n.name}_o0`;
    switch (n.op) {
      case 'Convolution': {
        const k = tupleOf(a.kernel), s = tupleOf(a.stride), p = tupleOf(a.pad), d = tupleOf(a.dilate);
        const attrs = { kernel_shape: k, strides: s.length ? s : [1, 1], pads: p.length ? [...p, ...p] : [0, 0, 0, 0], group: Number(a.num_group ?? 1) };
        if (d.length) attrs.dilations = d;
        out.push(['Conv', ins, [y], attrs]);
        break;
      }
      case 'BatchNorm': {
        if (a.fix_gamma === undefined || bool(a.fix_gamma)) values[nodes[n.inputs[1][0]].name].fill(1);
        out.push(['BatchNormalization', ins, [y], { epsilon: Number(a.eps ?? 1e-3) }]);
        break;
      }
      case 'Activation':
        if (a.act_type !== 'relu') throw new Error(`sym2onnx: Activation ${a.act_type}`);
        out.push(['Relu', ins, [y]]);
        break;
      case 'clip': out.push(['Clip', [ins[0], scalar(`${n.name}_min`, Number(a.a_min)), scalar(`${n.name}_max`, Number(a.a_max))], [y]]); break;
      case 'Pooling': {
        const avg = a.pool_type === 'avg';
        if (bool(a.global_pool)) { out.push([avg ? 'GlobalAveragePool' : 'GlobalMaxPool', ins, [y]]); break; }
        const k = tupleOf(a.kernel), s = tupleOf(a.stride), p = tupleOf(a.pad);
        const attrs = { kernel_shape: k, strides: s.length ? s : [1, 1], pads: p.length ? [...p, ...p] : [0, 0, 0, 0] };
        if (a.pooling_convention === 'full') attrs.ceil_mode = 1;
        if (avg) attrs.count_include_pad = bool(a.count_include_pad ?? 'True') ? 1 : 0;
        out.push([avg ? 'AveragePool' : 'MaxPool', ins, [y], attrs]);
        break;
      }
      case 'Flatten': out.push(['Flatten', ins, [y], { axis: 1 }]); break;
      case 'FullyConnected': {
        const f = `${n.name}_flat`;
        out.push(['Flatten', [ins[0]], [f], { axis: 1 }]);
        out.push(['Gemm', [f, ...ins.slice(1)], [y], { transB: 1 }]);
        break;
      }
      case 'elemwise_add': case '_Plus': out.push(['Add', ins, [y]]); break;
      case 'Concat': out.push(['Concat', ins, [y], { axis: Number(a.dim ?? 1) }]); break;
      case 'Dropout': out.push(['Identity', [ins[0]], [y]]); break;
      default: throw new Error(`sym2onnx: no mapping for ${n.op}`);
    }
  });
  // The graph output is renamed Y (an Identity keeps the producer's name intact).
  out.push(['Identity', [ref(heads[0])], ['Y']]);
  const rename = (s) => (s === 'data' ? 'X' : s);
  return onnxModel({ nodes: out.map(([op, i, o, at]) => [op, i.map(rename), o, at]), inputs: [['X', dataShape]], outputs: [['Y', outShape]], initializers: inits });
}
