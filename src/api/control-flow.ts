// mx.nd.contrib / mx.sym.contrib's control-flow builders as an import sees them: each loads src/api/contrib.ts (with
// the Symbol builders and subgraph binding behind it) on its first call, so a cold start does not evaluate them (the
// Node bundle keeps them in mxwasm-lazy.cjs: scripts/split.mjs).
import * as contrib from './contrib.js'; // lazy

type Nd = typeof contrib.ndContrib;
type Sym = typeof contrib.symContrib;
const ndWhile: Nd['whileLoop'] = (...a) => contrib.whileLoop(...a);
const symWhile: Sym['whileLoop'] = (...a) => contrib.symContrib.whileLoop(...a);

/** `mx.nd.contrib`'s foreach, while_loop (whileLoop) and cond (src/api/contrib.ts). */
export const ndContrib: Nd = { foreach: (...a) => contrib.foreach(...a), while_loop: ndWhile, whileLoop: ndWhile, cond: (...a) => contrib.cond(...a) };
/** `mx.sym.contrib`'s foreach, while_loop (whileLoop) and cond (src/symbol/contrib.ts). */
export const symContrib: Sym = {
  foreach: (...a) => contrib.symContrib.foreach(...a), while_loop: symWhile, whileLoop: symWhile, cond: (...a) => contrib.symContrib.cond(...a),
};
