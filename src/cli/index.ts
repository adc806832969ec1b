/**
 * The `mxwasm` command: `mxwasm <command> [options]`, one strict parser for every command (./args.ts).
 * To add a command, write a `Command` (name, summary, positionals, options, run) and list it in COMMANDS.
 * @example mxwasm info model/lenet --shape data=1,1,28,28
 */
import { readFileSync } from 'node:fs';
import { runCommand, consoleIO, type CliIO, type Command } from './args.js';
import { closest } from '../util/closest.js';
import { trainCommand } from './train.js';
import { infoCommand } from './info.js';
import { predictCommand } from './predict.js';
import { benchCommand } from './bench.js';
import { launchCommand } from './launch.js';

/** Every subcommand, in the order `mxwasm --help` lists them. */
export const COMMANDS: Command[] = [trainCommand, infoCommand, predictCommand, launchCommand, benchCommand];

/** The package version (package.json sits two folders up from both src/cli/ and dist/node/). */
export function version(): string {
  try { return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version; } catch { return 'unknown'; }
}

function overview(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return ['usage: mxwasm <command> [options]', '', 'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}${c.brief}`),
    '', 'mxwasm <command> --help   options of one command', 'mxwasm --version          the version'].join('\n');
}

/**
 * Runs the command line; resolves to the exit code (0 ok, 1 error, 2 usage mistake).
 * @example process.exitCode = await main(process.argv.slice(2))
 */
export async function main(argv: string[], io: CliIO = consoleIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v' || first === 'version') { io.out(version()); return 0; }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const cmd = COMMANDS.find((c) => c.name === rest[0]);
    if (cmd) return runCommand(cmd, ['--help'], io);
    io.out(overview());
    return first === undefined ? 2 : 0;
  }
  const cmd = COMMANDS.find((c) => c.name === first);
  if (!cmd) {
    const near = closest(first, COMMANDS.map((c) => c.name));
    io.err(`mxwasm: unknown command '${first}'${near ? ` (did you mean '${near}'?)` : ''}\n\n${overview()}`);
    return 2;
  }
  return runCommand(cmd, rest, io);
}
