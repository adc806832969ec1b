/**
 * MXNet checkpoints (`mx.model.save_checkpoint` / `load_checkpoint`): `prefix-symbol.json` plus
 * `prefix-%04d.params` with `arg:`/`aux:` keys. From the file system (Node), from URLs, Responses
 * or bytes (async, browsers), or from bytes already in hand.
 */
import { ArgumentError, FormatError } from '../errors.js';
import type { NDArray } from '../ndarray/ndarray.js';
import { fromJSON } from '../symbol/json.js';
import { Symbol } from '../symbol/symbol.js';
import { isBytes, toBytes, type BytesLike } from './reader.js';
import * as ndIO from './ndarray-io.js'; // lazy: the file formats
import { readFileBytes, writeFilesAtomic, fetchBytes, inFile, type Source } from './fs.js';

/** A loaded checkpoint. */
export interface Checkpoint {
  symbol: Symbol;
  argParams: Record<string, NDArray>;
  auxParams: Record<string, NDArray>;
  /** Dtype conversions made while loading (see mx.nd.loadWithInfo). */
  notes: string[];
}

/** `prefix-symbol.json` and `prefix-%04d.params` (MXNet's names). @example checkpointFiles('lenet', 1).params === 'lenet-0001.params' */
export function checkpointFiles(prefix: string, epoch: number): { symbol: string; params: string } {
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new ArgumentError(`checkpoint epoch must be a non-negative integer, got ${epoch}`);
  return { symbol: `${prefix}-symbol.json`, params: `${prefix}-${String(epoch).padStart(4, '0')}.params` };
}

/**
 * Splits `arg:`/`aux:` keys as `load_checkpoint` does. Keys without a prefix (Gluon
 * `save_parameters` files) count as arguments, with a note.
 * @example splitParams(mx.nd.load('lenet-0001.params')).argParams
 */
export function splitParams(dict: Record<string, NDArray> | NDArray[], notes: string[] = []): { argParams: Record<string, NDArray>; auxParams: Record<string, NDArray> } {
  if (Array.isArray(dict)) throw new FormatError('checkpoint params: the file holds an unnamed list of arrays; a checkpoint needs arg:/aux: names');
  const argParams: Record<string, NDArray> = {}, auxParams: Record<string, NDArray> = {};
  let bare = 0;
  for (const [k, v] of Object.entries(dict)) {
    const i = k.indexOf(':'), tp = i < 0 ? '' : k.slice(0, i), name = k.slice(i + 1);
    if (tp === 'arg') argParams[name] = v;
    else if (tp === 'aux') auxParams[name] = v;
    else { argParams[k] = v; bare++; }
  }
  if (bare) notes.push(`${bare} parameter name(s) without an arg:/aux: prefix were taken as arguments (a Gluon save_parameters file?)`);
  return { argParams, auxParams };
}

function symbolText(src: string | object | BytesLike): string | object {
  if (isBytes(src)) return new TextDecoder().decode(toBytes(src));
  return src;
}

/**
 * A checkpoint from the symbol JSON (text, object or bytes) and the params file bytes.
 * @example const { symbol, argParams } = mx.model.loadCheckpointFromBytes(jsonText, paramsBytes);
 */
export function loadCheckpointFromBytes(symbolJSON: string | object | BytesLike | Symbol, params: BytesLike): Checkpoint {
  const symbol = symbolJSON instanceof Symbol ? symbolJSON : fromJSON(symbolText(symbolJSON));
  const r = ndIO.loadWithInfo(params);
  if (!r.names) { r.arrays.forEach((a) => a.dispose()); throw new FormatError('checkpoint params: the file holds an unnamed list of arrays; a checkpoint needs arg:/aux: names'); }
  const dict: Record<string, NDArray> = {};
  r.names.forEach((n, i) => { dict[n] = r.arrays[i]; });
  const notes = [...r.notes];
  return { symbol, ...splitParams(dict, notes), notes };
}

/**
 * MXNet's `mx.model.load_checkpoint(prefix, epoch)` from the file system (Node).
 * @example const { symbol, argParams, auxParams } = mx.model.loadCheckpoint('models/lenet', 1);
 */
export function loadCheckpoint(prefix: string, epoch: number): Checkpoint {
  const f = checkpointFiles(prefix, epoch);
  const json = new TextDecoder().decode(readFileBytes(f.symbol, 'loadCheckpoint'));
  const symbol = inFile(f.symbol, () => fromJSON(json));
  return inFile(f.params, () => loadCheckpointFromBytes(symbol, readFileBytes(f.params, 'loadCheckpoint')));
}

/**
 * `loadCheckpoint` for browsers and servers: `prefix` is a URL (or path in Node) and both files are
 * fetched; or pass the two sources yourself ({symbol, params}: URLs, Responses or bytes).
 * @example await mx.model.loadCheckpointAsync('https://host/models/lenet', 1)
 */
export async function loadCheckpointAsync(prefix: string | URL | { symbol: Source; params: Source }, epoch = 0): Promise<Checkpoint> {
  let sym: Source, par: Source;
  if (typeof prefix === 'string' || prefix instanceof URL) {
    const f = checkpointFiles(String(prefix), epoch);
    [sym, par] = [f.symbol, f.params];
  } else ({ symbol: sym, params: par } = prefix);
  const [s, p] = await Promise.all([fetchBytes(sym, 'loadCheckpointAsync'), fetchBytes(par, 'loadCheckpointAsync')]);
  return loadCheckpointFromBytes(s, p);
}

/**
 * The two checkpoint files as data: symbol JSON text and params bytes (`arg:` keys, then `aux:`).
 * @example const { symbolJSON, params } = mx.model.checkpointBytes(net, argParams, auxParams);
 */
export function checkpointBytes(symbol: Symbol, argParams: Record<string, NDArray>, auxParams: Record<string, NDArray> = {}): { symbolJSON: string; params: Uint8Array } {
  const dict = new Map<string, NDArray>();
  for (const [k, v] of Object.entries(argParams)) dict.set(`arg:${k}`, v);
  for (const [k, v] of Object.entries(auxParams)) dict.set(`aux:${k}`, v);
  return { symbolJSON: symbol.toJSON(), params: ndIO.save(null, dict) };
}

/**
 * MXNet's `mx.model.save_checkpoint`: writes `prefix-symbol.json` and `prefix-%04d.params` (Node).
 * @example mx.model.saveCheckpoint('out/lenet', 1, net, argParams, auxParams);
 */
export function saveCheckpoint(prefix: string, epoch: number, symbol: Symbol, argParams: Record<string, NDArray>, auxParams: Record<string, NDArray> = {}): void {
  const f = checkpointFiles(prefix, epoch);
  const { symbolJSON, params } = checkpointBytes(symbol, argParams, auxParams);
  // params first: a reader that finds the new symbol finds its params too
  writeFilesAtomic([[f.params, params], [f.symbol, new TextEncoder().encode(symbolJSON)]], 'saveCheckpoint');
}

/**
 * `mx.model`: MXNet checkpoint functions.
 * @example const { symbol, argParams, auxParams } = mx.model.loadCheckpoint('lenet', 1);
 */
export const model = { loadCheckpoint, loadCheckpointAsync, loadCheckpointFromBytes, saveCheckpoint, checkpointBytes, checkpointFiles, splitParams };
