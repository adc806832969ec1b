// Starts the data-parallel worker from the TypeScript sources (tests, a source checkout): Node 20
// does not apply --import hooks to a worker's entry, so register tsx here first.
import { register } from 'tsx/esm/api';
import { parentPort } from 'node:worker_threads';

register();
(await import('./dp-worker.ts')).serveDataParallel(parentPort);
