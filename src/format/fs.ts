/**
 * File access for the model loaders without a static `node:fs` import (so browser and edge
 * bundles build): Node's built-in module is looked up at call time. Browsers pass bytes, a URL
 * or a Response to the async variants instead.
 */
import { ArgumentError, MxError, isMxError } from '../errors.js';
import { toBytes, isBytes, type BytesLike } from './reader.js';

type NodeFs = {
  readFileSync(p: string): Uint8Array; writeFileSync(p: string, d: Uint8Array): void; existsSync(p: string): boolean;
  openSync(p: string, flags: string): number; writeSync(fd: number, d: Uint8Array, off?: number, len?: number): number;
  fsyncSync(fd: number): void; closeSync(fd: number): void; renameSync(a: string, b: string): void; unlinkSync(p: string): void;
};

let testFs: NodeFs | undefined;
/** @internal Tests swap in a file system that fails on purpose (a full disk, a read-only folder); undefined restores Node's. */
export function setFileSystemForTests(fs: NodeFs | undefined): void { testFs = fs; }

/** Node's fs module, or undefined outside Node. @example nodeFs()?.existsSync('x.params') */
export function nodeFs(): NodeFs | undefined {
  if (testFs) return testFs;
  const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown; versions?: { node?: string } } }).process;
  if (p?.getBuiltinModule) return p.getBuiltinModule('node:fs') as NodeFs;
  // (no bare `require`: bundlers replace it with a shim that throws in browsers)
  const req = (globalThis as { require?: (m: string) => unknown }).require;
  return typeof req === 'function' && p?.versions?.node ? (req('node:fs') as NodeFs) : undefined;
}

function fsOrThrow(what: string): NodeFs {
  const fs = nodeFs();
  if (!fs) throw new MxError('unsupported', `${what}: file paths need Node; in browsers pass bytes, a URL or a Response to the async variant`);
  return fs;
}

/** A path (or file: URL) as a file-system path. */
function toPath(p: string | URL): string {
  if (p instanceof URL) {
    if (p.protocol !== 'file:') throw new ArgumentError(`not a file URL: ${p.href}`);
    return decodeURIComponent(p.pathname);
  }
  return p.startsWith('file:') ? decodeURIComponent(new URL(p).pathname) : p;
}

/**
 * Reads a whole file (Node only). Missing files give an MxError naming the path.
 * @example readFileBytes('model-0000.params')
 */
export function readFileBytes(path: string | URL, what = 'file'): Uint8Array {
  const fs = fsOrThrow(what), p = toPath(path);
  // A plain Uint8Array over the Buffer's bytes: Buffer#slice shares memory (Uint8Array#slice copies), and a
  // small file's Buffer is a view into a larger pooled ArrayBuffer.
  try { const b = fs.readFileSync(p); return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); } catch (e) {
    throw new ArgumentError(`${what}: cannot read ${p}: ${(e as Error).message}`, { path: p });
  }
}

/**
 * Runs `f`, which parses file `path`: an MxError it throws names the file first, unless it already does.
 * @example const sym = inFile('lenet-symbol.json', () => fromJSON(text)) // FormatError: lenet-symbol.json: symbol JSON does not parse ...
 */
export function inFile<T>(path: string | URL, f: () => T): T {
  try { return f(); } catch (e) {
    const p = toPath(path);
    if (isMxError(e) && !e.message.includes(p)) e.message = `${p}: ${e.message}`;
    throw e;
  }
}

/** Writes a whole file (Node only), atomically: see writeFilesAtomic. @example writeFileBytes('x.params', bytes) */
export function writeFileBytes(path: string | URL, data: Uint8Array, what = 'file'): void { writeFilesAtomic([[path, data]], what); }

let tmpCounter = 0;
/**
 * Writes several files so that a failure leaves every old file as it was: each goes to a temporary name in its own
 * folder (same file system, so rename is atomic), is flushed to disk (fsync), and only when all are written are they
 * renamed over the targets, in the order given (a checkpoint passes params before symbol). On any failure the
 * temporaries are removed and an MxError names the file. A full disk or a read-only folder never truncates a good
 * checkpoint.
 * @example writeFilesAtomic([['m-0001.params', params], ['m-symbol.json', json]], 'saveCheckpoint')
 */
export function writeFilesAtomic(files: [string | URL, Uint8Array][], what = 'file'): void {
  const fs = fsOrThrow(what), done: [string, string][] = [];
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  const cleanup = () => { for (const [tmp] of done) { try { fs.unlinkSync(tmp); } catch { /* already gone */ } } };
  for (const [path, data] of files) {
    const p = toPath(path), slash = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1;
    const tmp = `${p.slice(0, slash)}.${p.slice(slash)}.${pid}.${tmpCounter++}.tmp`;
    let fd = -1;
    try {
      fd = fs.openSync(tmp, 'wx');
      done.push([tmp, p]);
      for (let off = 0; off < data.length;) off += fs.writeSync(fd, data, off, data.length - off);
      fs.fsyncSync(fd);
      const f = fd; fd = -1; fs.closeSync(f);
    } catch (e) {
      if (fd >= 0) { try { fs.closeSync(fd); } catch { /* keep the first error */ } }
      cleanup();
      throw new ArgumentError(`${what}: cannot write ${p}: ${(e as Error).message} (nothing was replaced)`, { path: p });
    }
  }
  for (let i = 0; i < done.length; i++) {
    try { fs.renameSync(done[i][0], done[i][1]); } catch (e) {
      for (const [tmp] of done.slice(i)) { try { fs.unlinkSync(tmp); } catch { /* already gone */ } }
      throw new ArgumentError(`${what}: cannot replace ${done[i][1]}: ` +
        `${(e as Error).message}${i ? ` (${done.slice(0, i).map((d) => d[1]).join(', ')} already replaced)` : ' (nothing was replaced)'}`, { path: done[i][1] });
    }
  }
}

/** Where model bytes may come from in the async loaders. */
export type Source = BytesLike | string | URL | Response;

const isHttp = (s: string) => /^(https?|blob|data):/i.test(s);

/**
 * Bytes from bytes, a Response, a URL (fetched) or a path (Node file system).
 * @example await fetchBytes('https://example.com/lenet-0001.params')
 */
export async function fetchBytes(src: Source, what = 'file'): Promise<Uint8Array> {
  if (isBytes(src)) return toBytes(src);
  if (typeof Response !== 'undefined' && src instanceof Response) {
    if (!src.ok) throw new ArgumentError(`${what}: HTTP ${src.status} for ${src.url}`);
    return new Uint8Array(await src.arrayBuffer());
  }
  const s = src instanceof URL ? src.href : String(src);
  if (isHttp(s) || (!nodeFs() && typeof fetch === 'function')) {
    let res: Response;
    try { res = await fetch(s); } catch (e) { throw new ArgumentError(`${what}: cannot fetch ${s}: ${(e as Error).message}`, { url: s }); }
    return fetchBytes(res, what);
  }
  return readFileBytes(src as string | URL, what);
}

