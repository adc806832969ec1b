// Checkpoints in MXNet's format: `prefix-symbol.json` and `prefix-%04d.params` ('arg:'/'aux:' names).
import { ArgumentError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { load as ndLoad, save as ndSave } from '../format/ndarray-io.js';
import { readFileBytes, writeFileBytes } from '../format/fs.js';
import { fromJSON } from '../symbol/json.js';
import type { Symbol } from '../symbol/symbol.js';
import { checkpointHook } from '../callback/callbacks.js';

/** `prefix-0007.params`. @example paramsFile('mnist', 7) */
export const paramsFile = (prefix: string, epoch: number) => `${prefix}-${String(epoch).padStart(4, '0')}.params`;

/**
 * Writes `prefix-symbol.json` and `prefix-%04d.params` (MXNet's mx.model.save_checkpoint); with no
 * prefix (null) returns the bytes instead.
 * @example saveCheckpoint('lenet', 10, net, argParams, auxParams)
 */
export function saveCheckpoint(prefix: string | null, epoch: number, symbol: Symbol | null, argParams: Record<string, NDArray>, auxParams: Record<string, NDArray> = {}): { json?: string; params: Uint8Array } {
  const named: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(argParams)) named[`arg:${k}`] = v;
  for (const [k, v] of Object.entries(auxParams)) named[`aux:${k}`] = v;
  const params = ndSave(null, named);
  const json = symbol ? symbol.toJSON() : undefined;
  if (prefix !== null) {
    if (json !== undefined) writeFileBytes(`${prefix}-symbol.json`, new TextEncoder().encode(json), 'saveCheckpoint');
    writeFileBytes(paramsFile(prefix, epoch), params, 'saveCheckpoint');
  }
  return { json, params };
}

/** Splits an 'arg:'/'aux:' dict. @example splitParams(mx.nd.load('x.params')) */
export function splitParams(d: NDArray[] | Record<string, NDArray>, what: string): { argParams: Record<string, NDArray>; auxParams: Record<string, NDArray> } {
  if (Array.isArray(d)) throw new ArgumentError(`${what}: the params file holds an unnamed list, expected 'arg:'/'aux:' names`);
  const argParams: Record<string, NDArray> = {}, auxParams: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(d)) {
    if (k.startsWith('arg:')) argParams[k.slice(4)] = v;
    else if (k.startsWith('aux:')) auxParams[k.slice(4)] = v;
    else argParams[k] = v;
  }
  return { argParams, auxParams };
}

/**
 * Reads a checkpoint (MXNet's mx.model.load_checkpoint).
 * @example const { symbol, argParams, auxParams } = loadCheckpoint('lenet', 10)
 */
export function loadCheckpoint(prefix: string, epoch: number): { symbol: Symbol; argParams: Record<string, NDArray>; auxParams: Record<string, NDArray> } {
  const symbol = fromJSON(new TextDecoder().decode(readFileBytes(`${prefix}-symbol.json`, 'loadCheckpoint')));
  const p = splitParams(ndLoad(readFileBytes(paramsFile(prefix, epoch), 'loadCheckpoint')), 'loadCheckpoint');
  return { symbol, ...p };
}

checkpointHook.save = (prefix, epoch, sym, arg, aux) => { saveCheckpoint(prefix, epoch, sym as Symbol, arg, aux); };
