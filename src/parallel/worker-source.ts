/**
 * The worker's whole program, as source text: it needs no bundle, so the same code starts from
 * `src/` (tests), `dist/` (Node) and a Blob URL (browsers). A worker instantiates the shared
 * compiled module on the shared memory, reads the generation word BEFORE saying ready (else it can
 * miss the first job), then loops: spin briefly, sleep in Atomics.wait with a bound, run its share
 * of the posted kernel call, count itself done. A trap is caught and reported through the control
 * block; the pool turns it into a KernelError naming the kernel.
 *
 * Control block (Int32 words): 0 generation, 1 done count, 2 error count, 3 kernel index,
 * 4 threads in this job, 5 shutdown flag, 16.. error text (UTF-16 codes, 128 words);
 * arguments: Float64 at byte ctrl + 1024 + t * 8 * ARGS.
 */
export const CTRL_BYTES = 1024 + 64 * 8 * 24;
export const ARGS = 24;

export const WORKER_SOURCE = `
const isNode = typeof require === 'function' && typeof process !== 'undefined' && !!(process.versions && process.versions.node);
const port = isNode ? require('node:worker_threads').parentPort : self;
const onMsg = (f) => isNode ? port.on('message', f) : (self.onmessage = (e) => f(e.data));
onMsg((m) => {
  if (m.type !== 'init') return;
  const { module, addon, memory, ctrl, names, id, spin } = m;
  let fns;
  try {
    const inst = new WebAssembly.Instance(module, { env: { memory } });
    const extra = addon ? new WebAssembly.Instance(addon, { env: { memory } }).exports : {};
    fns = names.map((n) => extra[n] || inst.exports[n]);
  } catch (e) { port.postMessage({ type: 'fail', message: String(e && e.message || e) }); return; }
  const I = new Int32Array(memory.buffer, ctrl, 256);
  let seen = Atomics.load(I, 0);
  port.postMessage({ type: 'ready', id });
  for (;;) {
    let g = Atomics.load(I, 0), n = 0;
    while (g === seen) {
      if (++n > spin) { Atomics.wait(I, 0, seen, 50); n = 0; }
      g = Atomics.load(I, 0);
    }
    seen = g;
    if (Atomics.load(I, 5) !== 0) break;
    const T = Atomics.load(I, 4);
    if (id >= T) continue;
    try {
      const A = new Float64Array(memory.buffer, ctrl + 1024 + id * 8 * ${ARGS}, ${ARGS});
      const f = fns[Atomics.load(I, 3)];
      const k = A[0];
      switch (k) {
        case 3: f(A[1], A[2], A[3]); break;
        case 4: f(A[1], A[2], A[3], A[4]); break;
        case 5: f(A[1], A[2], A[3], A[4], A[5]); break;
        default: f(...Array.from(A.subarray(1, 1 + k)));
      }
    } catch (e) {
      const msg = String(e && e.message || e).slice(0, 120);
      if (Atomics.add(I, 2, 1) === 0) { for (let i = 0; i < 128; i++) I[16 + i] = i < msg.length ? msg.charCodeAt(i) : 0; }
    }
    Atomics.add(I, 1, 1);
    Atomics.notify(I, 1);
  }
  if (isNode) process.exit(0); else self.close();
});
`;
