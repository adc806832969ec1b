// What the CLI keeps beside a checkpoint prefix: the newest epoch's params, and the preprocessing train
// used (`<prefix>-preprocess.json`), which predict applies so its inputs match what the model saw.
import { nodeFs, writeFileBytes } from '../format/fs.js';
import { FormatError } from '../errors.js';

/** How raw inputs (pixels 0..255) become the model's input: (x - mean[c]) * scale, in `shape`. */
export interface Preprocess {
  /** Per-channel mean (one value: all channels). */
  mean: number[];
  scale: number;
  /** The data input's shape at batch size 1's layout ([batch, 1, 28, 28], or [batch, 784] for a flat MLP). */
  shape?: number[];
  resize?: number[];
  /** Informational: where the numbers come from. */
  note?: string;
}

const fs = () => nodeFs() as unknown as {
  readdirSync(p: string): string[]; readFileSync(p: string, e: 'utf8'): string; existsSync(p: string): boolean;
  writeFileSync(p: string, d: string): void; mkdirSync(p: string, o: { recursive: true }): void;
};

const split = (prefix: string) => {
  const slash = Math.max(prefix.lastIndexOf('/'), prefix.lastIndexOf('\\'));
  return { dir: slash >= 0 ? prefix.slice(0, slash) || '/' : '.', base: prefix.slice(slash + 1) };
};

/** Newest epoch with a params file beside the prefix, or undefined. @example latestEpoch('model/lenet') // 10 */
export function latestEpoch(prefix: string): number | undefined {
  const { dir, base } = split(prefix);
  let best: number | undefined;
  try {
    for (const f of fs().readdirSync(dir)) {
      const m = f.startsWith(`${base}-`) ? /^-(\d+)\.params$/.exec(f.slice(base.length)) : null;
      if (m && (best === undefined || Number(m[1]) > best)) best = Number(m[1]);
    }
  } catch { /* no directory: no params */ }
  return best;
}

/** Creates the folder a prefix lives in (`model/fm` → `model/`). @example ensureDirFor('model/fm') */
export function ensureDirFor(prefix: string): void {
  const { dir } = split(prefix);
  fs().mkdirSync(dir, { recursive: true });
}

/** The preprocessing file of a prefix. */
export const preprocessFile = (prefix: string): string => `${prefix}-preprocess.json`;

/** Writes `<prefix>-preprocess.json`. @example writePreprocess('model/fm', { mean: [0], scale: 1 / 255 }) */
export function writePreprocess(prefix: string, p: Preprocess): void {
  writeFileBytes(preprocessFile(prefix), new TextEncoder().encode(JSON.stringify(p, null, 2) + '\n'), 'train'); // atomic: temporary + rename
}

/** Reads `<prefix>-preprocess.json` where train wrote one (undefined otherwise). */
export function readPreprocess(prefix: string): Preprocess | undefined {
  const f = preprocessFile(prefix);
  if (!fs().existsSync(f)) return undefined;
  let p: Preprocess;
  try { p = JSON.parse(fs().readFileSync(f, 'utf8')); } catch (e) { throw new FormatError(`${f}: not valid JSON (${(e as Error).message})`); }
  const nums = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!p || typeof p !== 'object' || !nums(p.mean) || typeof p.scale !== 'number' || (p.shape !== undefined && !nums(p.shape)) || (p.resize !== undefined && !nums(p.resize))) {
    throw new FormatError(`${f}: expected {"mean": [numbers], "scale": number, "shape"?: [numbers]}`);
  }
  return p;
}
