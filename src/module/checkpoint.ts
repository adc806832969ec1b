// Checkpoint glue for the module layer: MXNet's files (`prefix-symbol.json`, `prefix-%04d.params`)
// through mx.model (src/format/checkpoint.ts).
import { checkpointBytes, checkpointFiles, loadCheckpoint, saveCheckpoint, splitParams } from '../format/checkpoint.js';
import { writeFilesAtomic } from '../format/fs.js';
import * as ndIO from '../format/ndarray-io.js'; // lazy
import type { NDArray } from '../ndarray/ndarray.js';
import type { Symbol } from '../symbol/symbol.js';

export { saveCheckpoint, loadCheckpoint, checkpointBytes };

/** `prefix-0007.params`. @example paramsFile('mnist', 7) */
export const paramsFile = (prefix: string, epoch: number) => checkpointFiles(prefix, epoch).params;
/** `prefix-0007.states` (optimizer states). @example statesFile('mnist', 7) */
export const statesFile = (prefix: string, epoch: number) => paramsFile(prefix, epoch).replace(/\.params$/, '.states');

/**
 * A module's checkpoint, optimizer states included when given: params, then states, then symbol, written as one
 * atomic group (writeFilesAtomic: a failure replaces none of the old files).
 * @example saveModuleCheckpoint('lenet', 3, net, arg, aux, updater.getStates())
 */
export function saveModuleCheckpoint(prefix: string, epoch: number, sym: Symbol, arg: Record<string, NDArray>, aux: Record<string, NDArray>, states?: Uint8Array): void {
  const f = checkpointFiles(prefix, epoch), { symbolJSON, params } = checkpointBytes(sym, arg, aux);
  writeFilesAtomic([[f.params, params], ...(states ? [[statesFile(prefix, epoch), states] as [string, Uint8Array]] : []), [f.symbol, new TextEncoder().encode(symbolJSON)]], 'saveCheckpoint');
}

/**
 * A params file's `arg:` / `aux:` arrays (MXNet's Module.load_params; unprefixed Gluon names count as arguments).
 * @example const [arg, aux] = paramsFromFile('mlp-0003.params')
 */
export function paramsFromFile(fname: string): [Record<string, NDArray>, Record<string, NDArray>] {
  const { argParams, auxParams } = splitParams(ndIO.load(fname));
  return [argParams, auxParams];
}
