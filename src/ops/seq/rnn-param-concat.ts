// _rnn_param_concat: Gluon's `_RNNLayer` joins its flattened i2h / h2h weights and biases into the RNN op's one
// `parameters` array with it. Concat along `dim`, plus MXNet's backward inference: with the output known (from
// the RNN op), one unknown 1-D input gets the remaining length.
import { CONCAT_OPS } from '../tensor/concat.js';
import type { OpDef } from '../registry.js';

const concat = CONCAT_OPS.find((d) => d.name === 'Concat')!;

/** @example mx.sym._rnn_param_concat(w0, w1, b0, b1, { num_args: 4, dim: 0 }) */
export const rnnParamConcat: OpDef = {
  ...concat,
  name: '_rnn_param_concat',
  aliases: [],
  doc: "Concat for the RNN op's packed parameters (Gluon's RNN layers): one unknown 1-D part is inferred from the output.",
  inferShape: (a, ins, aux, node, known) => {
    const out = known?.outs[0], miss = ins.map((s, i) => (s ? -1 : i)).filter((i) => i >= 0);
    if (out && out.length === 1 && miss.length === 1 && ins.every((s) => !s || s.length === 1)) {
      const rest = out[0] - ins.reduce((t, s) => t + (s ? s[0] : 0), 0);
      if (rest > 0) ins = ins.map((s) => s ?? [rest]);
    }
    return concat.inferShape(a, ins, aux, node, known);
  },
};
