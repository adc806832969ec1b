// A worker that fails: `mxwasm launch` must stop the scheduler and server and return this code.
import '../../../dist/node/index.js';

console.log(`exiting with ${process.argv[2]}`);
process.exit(Number(process.argv[2]));
