// The one argument parser of every `mxwasm` command: node:util parseArgs in strict mode (unknown options and
// missing values refused, with a "did you mean" hint), typed values, and help generated from the same spec.
// A new command is a `Command` object added to COMMANDS in ./index.ts.
import { parseArgs } from 'node:util';
import { isMxError } from '../errors.js';
import { closest } from '../util/closest.js';

/** One option: MXNet-style long name (`--batch-size`), its type, default and one line of help. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  help: string;
  /** Shown in help; applied when the option is absent. */
  default?: string | boolean;
  /** Value placeholder in help (`N`, `prefix`). */
  value?: string;
  multiple?: boolean;
  short?: string;
}

/** A subcommand: its positionals (names for help; `?` marks optional), options and what it does. */
export interface Command {
  name: string;
  /** One line for `mxwasm --help`. */
  brief: string;
  summary: string;
  positionals?: string[];
  options: Record<string, OptionSpec>;
  /** Lines printed after the option table (examples, notes). */
  notes?: string[];
  run: (args: ParsedArgs, io: CliIO) => Promise<number>;
}

/** Where CLI text goes (console by default; tests capture it). */
export interface CliIO { out: (line: string) => void; err: (line: string) => void }
export const consoleIO: CliIO = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Parsed command line: option values by long name (defaults applied) and positionals. */
export interface ParsedArgs { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }

/** A mistake on the command line: printed with the command's usage line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: Command) { super(message); this.name = 'UsageError'; }
}

const WITH_HELP: Record<string, OptionSpec> = { help: { type: 'boolean', short: 'h', help: 'show this help' } };

/**
 * Parses `argv` for `cmd` strictly. Throws UsageError for unknown options, missing values, and a wrong
 * number of positionals; `--help` is returned as `values.help` for the caller to print `helpText(cmd)`.
 * @example parseCommand(train, ['--epochs', '2', '--out', 'model/fm'])
 */
export function parseCommand(cmd: Command, argv: string[]): ParsedArgs {
  const specs = { ...cmd.options, ...WITH_HELP };
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [k, o] of Object.entries(specs)) options[k] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  let r: ReturnType<typeof parseArgs>;
  try {
    r = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const m = /option '(-{1,2}[^' ]+)/i.exec(err.message);
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && m) {
      const name = m[1].replace(/^-+/, '').split('=')[0], near = closest(name, Object.keys(specs));
      throw new UsageError(`unknown option ${m[1]}${near ? ` (did you mean --${near}?)` : ''}`, cmd);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && m) {
      const name = m[1].replace(/^-+/, '');
      throw new UsageError(specs[name]?.type === 'boolean' ? `option --${name} takes no value` : `option --${name} needs a value`, cmd);
    }
    throw new UsageError(err.message, cmd);
  }
  const values = { ...r.values } as ParsedArgs['values'];
  if (values.help) return { values, positionals: r.positionals };
  for (const [k, o] of Object.entries(cmd.options)) if (values[k] === undefined && o.default !== undefined) values[k] = o.default;
  const pos = cmd.positionals ?? [];
  const required = pos.filter((p) => !p.endsWith('?')).length;
  const max = pos.some((p) => p.includes('...')) ? Infinity : pos.length;
  if (r.positionals.length < required || r.positionals.length > max) {
    const want = pos.length ? pos.map((p) => `<${p.replace(/\?$/, '')}>${p.endsWith('?') ? ' (optional)' : ''}`).join(' ') : 'no positional arguments';
    throw new UsageError(`expects ${want}, got ${r.positionals.length ? r.positionals.map((p) => `'${p}'`).join(' ') : 'none'}`, cmd);
  }
  return { values, positionals: r.positionals };
}

/**
 * Parses and runs one command: `--help` prints its help (exit 0), a UsageError prints the mistake and the
 * usage line (exit 2), an MxError prints its message (exit 1); anything else is a bug and propagates.
 * @example process.exitCode = await runCommand(train, ['--data', 'mnist/'])
 */
export async function runCommand(cmd: Command, argv: string[], io: CliIO = consoleIO): Promise<number> {
  if (argv[0] === cmd.name) argv = argv.slice(1);
  try {
    const a = parseCommand(cmd, argv);
    if (a.values.help) { io.out(helpText(cmd)); return 0; }
    return await cmd.run(a, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`mxwasm ${cmd.name}: ${e.message}\n${usageLine(cmd)}\n(mxwasm ${cmd.name} --help lists every option)`);
      return 2;
    }
    // Library errors and file-system errors (EACCES, ENOSPC...) are the user's to fix: message only.
    const sys = (e as { syscall?: unknown })?.syscall !== undefined;
    if (isMxError(e) || sys) { io.err(`mxwasm ${cmd.name}: ${(e as Error).message}`); return 1; }
    throw e;
  }
}

/** `mxwasm train [options]`-style usage line. */
export function usageLine(cmd: Command): string {
  const pos = (cmd.positionals ?? []).map((p) => (p.endsWith('?') ? `[${p.slice(0, -1)}]` : `<${p}>`));
  return `usage: mxwasm ${cmd.name} ${[...pos, '[options]'].join(' ')}`;
}

/** The per-command help: usage, summary, every option with its default. */
export function helpText(cmd: Command): string {
  const rows = Object.entries({ ...cmd.options, ...WITH_HELP }).map(([k, o]) => {
    const left = `${o.short ? `-${o.short}, ` : ''}--${k}${o.type === 'string' ? ` <${o.value ?? 'value'}>` : ''}`;
    const def = o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : '';
    return [left, `${o.help}${o.multiple ? ' (repeatable)' : ''}${def}`];
  });
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return [usageLine(cmd), '', cmd.summary, '', 'options:', ...rows.map(([l, r]) => `  ${l.padEnd(w)}${r}`), ...(cmd.notes?.length ? ['', ...cmd.notes] : [])].join('\n');
}

/**
 * A number option: finite (and an integer >= min where asked), else a UsageError naming the option.
 * @example num(a.values, 'epochs', { int: true, min: 1 })
 */
export function num(values: ParsedArgs['values'], name: string, o: { int?: boolean; min?: number; gt?: number } = {}): number {
  const s = values[name];
  const x = Number(s);
  if (typeof s !== 'string' || s.trim() === '' || !Number.isFinite(x) || (o.int && !Number.isInteger(x)) || (o.min !== undefined && x < o.min) || (o.gt !== undefined && x <= o.gt)) {
    const what = `${o.int ? 'an integer' : 'a number'}${o.min !== undefined ? ` >= ${o.min}` : ''}${o.gt !== undefined ? ` > ${o.gt}` : ''}`;
    throw new UsageError(`--${name} must be ${what}, got '${String(s)}'`);
  }
  return x;
}

/** Numbers separated by commas (`--mean 123,117,104`). @example numbers('1,2', 'mean') // [1, 2] */
export function numbers(s: string, name: string): number[] {
  const v = s.split(',').map(Number);
  if (!s.trim() || v.some((x) => !Number.isFinite(x))) throw new UsageError(`--${name} must be numbers separated by commas, got '${s}'`);
  return v;
}
