// Docs that run: every code block of README.md and examples/README.md, as written. JavaScript blocks run in
// order in one folder inside the package (so `import 'mxwasm'` resolves to this package, built, by its exports);
// shell blocks: every `npm ...` names a script that exists and every `mxwasm ...` line parses with the CLI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { COMMANDS } from '../src/cli/index.js';
import { parseCommand } from '../src/cli/args.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const DOCS = ['README.md', 'examples/README.md'];

/** The fenced code blocks of a markdown file: language, code, line. */
export function codeBlocks(md: string): { lang: string; code: string; line: number }[] {
  const out: { lang: string; code: string; line: number }[] = [];
  const re = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m; (m = re.exec(md));) out.push({ lang: m[1], code: m[2], line: md.slice(0, m.index).split('\n').length });
  return out;
}

const blocks = DOCS.flatMap((f) => codeBlocks(readFileSync(join(root, f), 'utf8')).map((b) => ({ ...b, file: f })));

test('the docs have code blocks, each with a language', () => {
  assert.ok(blocks.filter((b) => b.file === 'README.md').length >= 4);
  for (const b of blocks) assert.ok(b.lang, `${b.file}:${b.line}: a fence without a language`);
});

test('shell blocks: npm scripts exist, mxwasm command lines parse', () => {
  const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
  for (const b of blocks.filter((x) => x.lang === 'sh')) {
    for (const raw of b.code.split('\n')) {
      const line = raw.replace(/\s#.*$/, '').replace(/[[\]]/g, '').trim();
      const where = `${b.file}:${b.line}: ${raw}`;
      for (const m of line.matchAll(/npm (?:run )?([\w:-]+)/g)) if (m[1] !== 'install') assert.ok(scripts[m[1]], `${where}: no npm script '${m[1]}'`);
      const cli = /(?:npx )?mxwasm (.*)$/.exec(line);
      if (!cli) continue;
      const [name, ...args] = cli[1].split(/\s+/).filter(Boolean);
      const cmd = COMMANDS.find((c) => c.name === name);
      if (name === '--help' || name === '--version') continue;
      assert.ok(cmd, `${where}: no command '${name}'`);
      try { parseCommand(cmd!, args); } catch (e) { assert.unreachable(`${where}: ${(e as Error).message}`); }
    }
  }
});

test('JavaScript blocks run as written (in order, one folder)', () => {
  const dir = join(root, '.tmp', `docs-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    blocks.filter((b) => /^(js|mjs|javascript)$/.test(b.lang)).forEach((b, i) => {
      const file = join(dir, `block-${i}.mjs`);
      writeFileSync(file, b.code);
      try {
        execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', stdio: 'pipe', timeout: 300_000 });
      } catch (e: any) {
        assert.unreachable(`${b.file}:${b.line} (block ${i}) failed:\n${String(e.stderr || e.message).slice(-2000)}`);
      }
    });
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
