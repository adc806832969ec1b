/**
 * The `mxwasm` command: `mxwasm <train|info|predict|bench> [options]`.
 * @example mxwasm info model/lenet 1
 */
import { main as train } from './train.js';
import { main as info } from './info.js';
import { main as predict } from './predict.js';
import { main as bench } from './bench.js';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  train: { run: train, help: 'train --model lenet|mlp --data <dir with MNIST IDX files> [--epochs N] [--batch-size B] [--optimizer sgd] [--lr 0.1] [--threads N] [--out prefix]' },
  info: { run: info, help: 'info <prefix> [epoch]          model summary: inputs, outputs, layers, parameters, memory plan' },
  predict: { run: predict, help: 'predict <prefix> <epoch> --input <.npy|.json|.pgm|.ppm> [--top 5]' },
  bench: { run: bench, help: 'bench [--json out.json] [--threads N] [--compare] [filter...]   the portable benchmark' },
};

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help' || !COMMANDS[cmd]) {
    if (cmd && !['--help', '-h', 'help'].includes(cmd)) console.error(`mxwasm: unknown command '${cmd}'`);
    console.log('usage: mxwasm <command> [options]\n\n' + Object.values(COMMANDS).map((c) => '  mxwasm ' + c.help).join('\n'));
    return cmd && !['--help', '-h', 'help'].includes(cmd) ? 2 : 0;
  }
  return COMMANDS[cmd].run(rest);
}
