#!/usr/bin/env node
// The `mxwasm` command (built into dist/node/cli.js by `npm install` / `npm run build`).
import { main } from '../dist/node/cli.js';

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { console.error(e?.stack ?? e); process.exitCode = 1; });
