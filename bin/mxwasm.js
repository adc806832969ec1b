#!/usr/bin/env node
// The `mxwasm` command: the CLI lives in the library bundle (dist/node/index.cjs, built by `npm run build`).
import { cli, shutdown } from '../dist/node/index.js';

cli.main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { console.error(e?.stack ?? e); process.exitCode = 1; })
  .finally(() => shutdown());
