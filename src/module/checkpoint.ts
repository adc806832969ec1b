// Checkpoint glue for the module layer: MXNet's files (`prefix-symbol.json`, `prefix-%04d.params`)
// through mx.model (src/format/checkpoint.ts); registers the writer doCheckpoint uses.
import { checkpointBytes, checkpointFiles, loadCheckpoint, saveCheckpoint } from '../format/checkpoint.js';
import type { Symbol } from '../symbol/symbol.js';
import { checkpointHook } from '../callback/callbacks.js';

export { saveCheckpoint, loadCheckpoint, checkpointBytes };

/** `prefix-0007.params`. @example paramsFile('mnist', 7) */
export const paramsFile = (prefix: string, epoch: number) => checkpointFiles(prefix, epoch).params;
/** `prefix-0007.states` (optimizer states). @example statesFile('mnist', 7) */
export const statesFile = (prefix: string, epoch: number) => paramsFile(prefix, epoch).replace(/\.params$/, '.states');

checkpointHook.save = (prefix, epoch, sym, arg, aux) => { saveCheckpoint(prefix, epoch, sym as Symbol, arg, aux); };
