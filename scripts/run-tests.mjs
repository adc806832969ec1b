// Loads the given test files as uvu suites and runs them together (see scripts/test.mjs).
import { run } from 'uvu/run';
import { basename } from 'node:path';

const files = process.argv.slice(2);
await run(files.map((file) => ({ name: basename(file), file: file.replace(/^\//, '') })), { bail: false });
