// What dist/node/index.cjs is built from: the Node library plus the command line (`cli.main(argv)`, which
// bin/mxwasm.js runs), so the package carries the library once for import, require, the CLI and the workers.
export * from './node.js';
// lazy: the command line is evaluated on first use in the bundle (scripts/lazy.mjs)
export * as cli from '../cli/index.js';
import * as dpWorker from '../parallel/dp-worker.js'; // lazy
/** Not API: dist/node/dp-worker.js runs a data-parallel executor worker on this same bundle (see serveDataParallel). */
export const __dpWorker: typeof dpWorker.serveDataParallel = (p) => dpWorker.serveDataParallel(p);
