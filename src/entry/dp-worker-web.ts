// dist/browser/dp-worker.js: a data-parallel executor worker (a Web Worker the browser entry starts). The library
// comes from the chunk the entries share (dist/browser/mxwasm.js), so the package carries it once.
import lib from './web-lib.js';

lib.serveDataParallel();
