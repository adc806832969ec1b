// The KVStore calls one by one across processes; every worker prints `RESULT <json>`.
// Run with 2 workers and MXNET_KVSTORE_BIGARRAY_BOUND=10 (key 7 is sliced over the servers).
import * as mx from '../../../dist/node/index.js';

const kv = mx.kv.create('dist_sync');
const r = {}, full = (n, v) => mx.nd.array(new Float32Array(n).fill(v));
const vals = (a) => [...a.data];
kv.init('a', mx.nd.array([1, 2, 3, 4, 5]));
kv.init(7, full(40, 0));
const a = full(5, 0);
kv.pull('a', a);
r.initA = vals(a);
// A list is summed on the worker first (one push per key), the server sums the workers.
kv.push('a', [full(5, 1), full(5, 2)]);
kv.pull('a', [a, full(5, 0)]);
r.pushA = vals(a);
// pushPull without out writes the result into the value itself.
const v = full(40, kv.rank + 1);
kv.pushPull(7, v);
r.pushPull7 = vals(v).slice(0, 3).concat(vals(v).slice(-3));
// 2-bit compression with residuals kept across pushes.
kv.setGradientCompression({ type: '2bit', threshold: 0.5 });
const g = new Float32Array(40); g.set([0.6, -0.7, 0.2]); g[25] = 0.9;
kv.push(7, mx.nd.array(g));
const o = full(40, 0);
kv.pull(7, o);
r.q1 = [o.data[0], o.data[1], o.data[2], o.data[25]];
g.fill(0); g[2] = 0.4;
kv.push(7, mx.nd.array(g));
kv.pull(7, o);
r.q2 = [o.data[0], o.data[1], o.data[2], o.data[25]];
try { kv.pushPull(7, o); r.pushPullCompressed = 'no error'; } catch (e) { r.pushPullCompressed = e.message; }
// Optimizer on the servers, its states saved and loaded back.
kv.setOptimizer(mx.optimizer.create('sgd', { learning_rate: 0.5, momentum: 0.9 }));
kv.push('a', full(5, 1));
kv.pull('a', a);
r.sgdA = vals(a); // compressed: each worker sends +0.5, so 6 - 0.5 * (0.5 + 0.5)
const states = kv.saveOptimizerStates();
r.statesBytes = states.length;
kv.loadOptimizerStates(states);
try { kv.loadOptimizerStates(new Uint8Array([1, 2, 3])); r.badStates = 'no error'; } catch (e) { r.badStates = e.message; }
try { kv.push('nope', a); } catch (e) { r.unknownKey = e.message; }
try { kv.push('a', full(4, 1)); } catch (e) { r.badSize = e.message; }
kv.barrier();
console.log('RESULT ' + JSON.stringify({ rank: kv.rank, ...r }));
kv.close();
