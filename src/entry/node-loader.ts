// dist/node/index.cjs: loads the library bundle (dist/node/mxwasm.cjs) through a V8 code cache, so a fresh
// process does not parse and compile ~1 MB of JavaScript again (measured: bench/cold-start.mjs, BENCHMARKS.md).
// Node >= 22 has module.enableCompileCache() for this, but process-wide (every later module of the user's
// app too); this loader caches the one file it owns, on every Node version. The cache lives in
// <os.tmpdir()>/mxwasm-code-cache-<uid> (a directory only this user may write, checked), one file per bundle
// build, Node version and engine flags; MXWASM_CODE_CACHE=0 turns it off, MXWASM_CODE_CACHE=<dir> moves it.
// V8 rejects a cache made by another V8 or under other flags (then this process writes a fresh one).
import './node-flags.js'; // first: the flags the library compiles under are part of the cache's key
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';

declare const module: { exports: unknown };
declare const __dirname: string;

/** Set while the loader runs the bundle: its text (scripts/bundle.mjs) then evaluates to its module function. */
const LOADING = Symbol.for('mxwasm.loading');

/** The cache directory, or undefined (turned off, or not owned by this user: another user's cache is never read). */
function cacheDir(): string | undefined {
  const env = process.env.MXWASM_CODE_CACHE;
  if (env === '0' || process.versions.bun || typeof process.getuid !== 'function') return undefined;
  const dir = env || join(tmpdir(), `mxwasm-code-cache-${process.getuid()}`);
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    return st.isDirectory() && st.uid === process.getuid() && (st.mode & 0o022) === 0 ? dir : undefined;
  } catch { return undefined; }
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

/** Caches kept per directory: one per bundle build x Node version x flags, so rebuilds (development) pile them up. */
const KEEP = 8;
/** Deletes all but the KEEP newest caches (by modification time) and temporary files of processes that died writing. */
function prune(dir: string, keep: string): void {
  try {
    const files = readdirSync(dir).filter((f) => /^mxwasm-\w+\.v8cache(\.\d+\.tmp)?$/.test(f)).map((f) => join(dir, f))
      .map((f) => ({ f, t: statSync(f).mtimeMs })).sort((a, b) => b.t - a.t);
    let caches = 0;
    for (const { f, t } of files) {
      const tmp = f.endsWith('.tmp');
      if ((tmp ? Date.now() - t < 60_000 : ++caches <= KEEP) || f === keep) continue;
      try { unlinkSync(f); } catch { /* another process's */ }
    }
  } catch { /* a cache is an optimisation: never an error */ }
}

/** Reads `size` bytes of `fd` from its start into `buf`; returns the count read (short only at an end of file). */
function readAll(fd: number, buf: Buffer, size: number): number {
  let n = 0;
  for (let r; n < size && (r = readSync(fd, buf, n, size - n, n)) > 0;) n += r;
  return n;
}

/** Runs one file of the library (mxwasm.cjs; mxwasm-lazy.cjs when the library first asks for it: `main` false). */
function load(file: string, main = true): unknown {
  // `node --enable-source-maps`: a plain require, so Node maps the frames (it does not map vm-compiled code).
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled || /--enable-source-maps/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`)) {
    if (main) (globalThis as Record<symbol, unknown>)[Symbol.for('mxwasm.codeCache')] = { status: 'off' };
    return createRequire(file)(file);
  }
  let source: string, dir: string | undefined, cachePath: string | undefined, cachedData: Buffer | undefined;
  // One buffer for both files: the bundle's bytes are decoded into a string first, then the code cache is read over
  // them. On the VM of BENCHMARKS.md every page touched for the first time costs ~25 us: a second buffer for the
  // cache was ~130 more page faults per start (~3 ms).
  const fd = openSync(file, 'r');
  let cfd: number | undefined;
  try {
    // V8 checks a cache against the source's length and the engine flags only: the bundle's identity goes in the name.
    const st = fstatSync(fd);
    const stamp = `${st.size}-${Math.round(st.mtimeMs)}-${st.ino}`;
    dir = cacheDir();
    const key = hash([stamp, process.version, process.arch, process.execArgv.join(' '), process.env.NODE_OPTIONS ?? '', process.env.MXWASM_RELAXED ?? ''].join('|'));
    cachePath = dir && join(dir, `mxwasm-${key}.v8cache`);
    if (cachePath) { try { cfd = openSync(cachePath, 'r'); } catch { /* none yet */ } }
    const cacheSize = cfd === undefined ? 0 : fstatSync(cfd).size;
    const buf = Buffer.allocUnsafeSlow(Math.max(st.size, cacheSize));
    // The bundle is ASCII (esbuild escapes the rest; the build checks): latin1 decodes it faster than UTF-8.
    source = buf.toString('latin1', 0, readAll(fd, buf, st.size));
    if (cfd !== undefined && cacheSize > 0) cachedData = buf.subarray(0, readAll(cfd, buf, cacheSize));
  } finally {
    closeSync(fd);
    if (cfd !== undefined) closeSync(cfd);
  }
  // The file's text is compiled as it is (no wrapper concatenated here: V8 would copy the whole string).
  const script = new Script(source, { filename: file, cachedData });
  const fresh = cachePath && (!cachedData || script.cachedDataRejected);
  // What happened, for tests and for anyone asking why a start was slow: off | miss | hit | rejected.
  // (mxwasm-lazy.cjs's under mxwasm.codeCacheLazy.)
  (globalThis as Record<symbol, unknown>)[Symbol.for(main ? 'mxwasm.codeCache' : 'mxwasm.codeCacheLazy')] =
    { path: cachePath, status: !cachePath ? 'off' : !cachedData ? 'miss' : fresh ? 'rejected' : 'hit' };
  const mod = { exports: {} as unknown, filename: file };
  const g = globalThis as Record<symbol, unknown>;
  g[LOADING] = true;
  let fn: (...a: unknown[]) => void;
  try { fn = script.runInThisContext() as typeof fn; } finally { delete g[LOADING]; }
  // Its parameters: the CommonJS wrapper's, plus a dynamic import that works from vm-compiled code (zeromq) and
  // this function, for the library's second file (scripts/split.mjs).
  fn.call(mod.exports, mod.exports, createRequire(file), mod, file, __dirname, (s: string) => import(s), (f: string) => load(f, false));
  // The cache is written once, a moment after the import (so it holds what the import and a first op compiled),
  // or at exit if that comes first; by rename, so that concurrent processes never read half a file.
  if (fresh && dir && cachePath) {
    const path = cachePath, d = dir;
    let written = false;
    const write = (): void => {
      if (written) return;
      written = true;
      const tmp = `${path}.${process.pid}.tmp`;
      try { writeFileSync(tmp, script.createCachedData() as unknown as Uint8Array); renameSync(tmp, path); } catch { try { unlinkSync(tmp); } catch { /* gone */ } }
      prune(d, path);
    };
    setTimeout(write, 200).unref();
    process.once('exit', write);
  }
  return mod.exports;
}

module.exports = load(join(__dirname, 'mxwasm.cjs'));
