// Gluon parameter files (MXNet 1.9 Block.save_parameters / load_parameters): an NDArray-dict file keyed by the
// structural path (`0.weight`, `features.3.bias`); files without any '.' in their keys are the older full-name
// style (`conv0_weight`, `arg:`/`aux:` prefixes dropped) and are matched with this block's prefix put back.
import { ArgumentError, FormatError } from '../errors.js';
import { readFileBytes, writeFileBytes } from '../format/fs.js';
import { loadWithInfo, save } from '../format/ndarray-io.js';
import type { BytesLike } from '../format/reader.js';
import type { NDArray } from '../ndarray/ndarray.js';
import type { Block } from './block.js';
import type { Parameter } from './parameter.js';

/** The bytes `saveParameters` writes. @example const bytes = parametersBytes(net) */
export function parametersBytes(b: Block): Uint8Array {
  const m = new Map<string, NDArray>();
  for (const [k, p] of b.collectParamsWithPrefix()) m.set(k, p.data());
  return save(null, m);
}

/** Writes the block's parameters in Gluon's format. @example saveParameters(net, 'net.params') */
export function saveParameters(b: Block, path: string): void { writeFileBytes(path, parametersBytes(b), 'saveParameters'); }

export interface LoadParametersOptions { allowMissing?: boolean; ignoreExtra?: boolean; castDtype?: boolean }

/**
 * Reads a Gluon parameter file (path or bytes) into the block's parameters (copied in place; deferred ones take
 * the file's shape). @example loadParameters(net, 'net.params', { ignoreExtra: true })
 */
export function loadParameters(b: Block, src: string | BytesLike, o: LoadParametersOptions = {}): void {
  const bytes = typeof src === 'string' ? readFileBytes(src, 'loadParameters') : src;
  const r = loadWithInfo(bytes);
  if (!r.names) { r.arrays.forEach((a) => a.dispose()); throw new FormatError(`loadParameters: the file holds an unnamed list of arrays, not a parameter dict`); }
  const loaded = new Map<string, NDArray>();
  r.names.forEach((n, i) => loaded.set(n.replace(/^(arg|aux):/, ''), r.arrays[i]));
  try {
    let params: Map<string, Parameter>;
    if (![...loaded.keys()].some((k) => k.includes('.'))) {
      params = new Map(b.collectParams().entries());
      const withPrefix = new Map<string, NDArray>();
      for (const [k, v] of loaded) withPrefix.set(b.prefix + k, v);
      loaded.clear();
      for (const [k, v] of withPrefix) loaded.set(k, v);
    } else params = b.collectParamsWithPrefix();
    if (!o.allowMissing) {
      for (const k of params.keys()) if (!loaded.has(k))
        throw new ArgumentError(`Parameter '${k}' is missing in file, which contains parameters: ${[...loaded.keys()].slice(0, 10).join(', ')}${loaded.size > 10 ? ', ...' : ''}. Set ` +
          `allowMissing=true to ignore missing parameters.`);
    }
    if (!o.ignoreExtra) {
      for (const k of loaded.keys()) if (!params.has(k))
        throw new ArgumentError(`Parameter '${k}' loaded from file is not present in the Block ${b.name}, which contains parameters ${[...params.keys()].slice(0, 10).join(', ')}. Set ` +
          `ignoreExtra=true to ignore.`);
    }
    for (const [k, p] of params) {
      const v = loaded.get(k);
      if (!v) continue;
      if (v.dtype !== p.dtype && !o.castDtype) throw new ArgumentError(`Failed loading Parameter '${k}': dtype ${v.dtype} in file, ${p.dtype} expected (set castDtype)`);
      if (p.shape.length && (p.shape.length !== v.shape.length || p.shape.some((d, i) => d > 0 && d !== v.shape[i])))
        throw new ArgumentError(`Failed loading Parameter '${k}' from saved params: shape incompatible expected (${p.shape.join(', ')}) vs saved (${v.shape.join(', ')})`);
      p.setData(v.dtype === p.dtype ? v : v.asType(p.dtype));
    }
  } finally { for (const a of r.arrays) a.dispose(); }
}
