import { ArgumentError, MxError } from '../errors.js';
import { Allocator, type AllocStats } from './allocator.js';
import { detectFeatures, withRelaxedSimd, type Features } from './detect.js';
import { kernels, type KernelTable } from './manifest.js';
import { relaxedKernelNames } from './manifest/args.js';
import { viewOf } from './mem-view.js';

/** Which kernel build is loaded. */
export type Variant = 'relaxed' | 'shared' | 'noshared';
/** Where kernel bytes may come from: a compiled module (edge runtimes), bytes, or a path/URL (async only). */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | string | URL | Response;

export interface RuntimeOptions {
  /** Kernel source per variant, or one source for the chosen variant. */
  source?: WasmSource | Partial<Record<Variant, WasmSource>>;
  /** Force a variant (else: relaxed where it validates and memory is shared, shared, else noshared). */
  variant?: Variant;
  /** Use a plain (non-shared) memory even where shared memory works. */
  noShared?: boolean;
  /** Maximum memory in 64 KiB pages (default 32768 = 2 GiB). */
  maxPages?: number;
  /** Initial memory in pages (default 256 = 16 MiB). */
  initialPages?: number;
}

/** How a platform entry supplies kernel bytes: synchronously where it can (Node), else async. */
export interface SourceProvider {
  sync?: (v: Variant) => WebAssembly.Module | ArrayBufferView | ArrayBuffer | undefined;
  async: (v: Variant) => Promise<WasmSource>;
}

/** The loaded runtime: one memory, one kernel instance, the allocator. */
export interface Runtime {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  /** The relaxed-SIMD add-on (variant 'relaxed'), instantiated on the same memory; its exports join K. */
  addon?: WebAssembly.Module;
  K: KernelTable;
  alloc: Allocator;
  variant: Variant;
  shared: boolean;
  features: Features;
  heapBase: number;
  /** Per-thread GEMM packing scratch (byte offset, bytes), thread 0's. */
  scratch: { off: number; bytes: number };
}

const PAGE = 65536;
const EAGER_ADDON = (typeof process !== 'undefined' ? process.env?.MXWASM_ADDON_EAGER : undefined) === '1';
/** Bytes of packing scratch each thread needs (A panel 96x256 and B panel 256x2048 floats, rounded up). */
export const SCRATCH_BYTES = 4 << 20;

let provider: SourceProvider | undefined;
const initHooks: ((r: Runtime) => void)[] = [];
/** Runs `f` once the runtime exists (now, if it already does): layers above use it (thread pool). */
export function onRuntimeInit(f: (r: Runtime) => void): void { if (current) f(current); else initHooks.push(f); }
let current: Runtime | undefined;
let pending: Promise<Runtime> | undefined;

/** Registers how this platform finds the kernel files (called by the Node/browser/edge entries). */
export function setSourceProvider(p: SourceProvider): void { provider = p; }

/** The runtime, initialising it synchronously where the platform allows (Node). @example kernelCall(rt().K, 'x8_zero', { dst: off, n: bytes }) */
export function rt(): Runtime {
  if (current) return current;
  if (provider?.sync) return initRuntimeSync();
  throw new ArgumentError('mxwasm is not initialised: call `await mx.ready()` first (browsers compile wasm asynchronously)');
}

/** True once the runtime is loaded. */
export function isReady(): boolean { return current !== undefined; }

function chooseVariant(f: Features, o: RuntimeOptions): { variant: Variant; shared: boolean } {
  if (o.variant) return { variant: o.variant, shared: o.variant !== 'noshared' };
  if (!f.simd) throw new MxError('unsupported', 'this engine lacks WebAssembly SIMD (fixed-width 128-bit), which mxwasm needs');
  const shared = f.sharedMemory && !o.noShared;
  if (!shared) return { variant: 'noshared', shared: false };
  // One given source is the main module: the relaxed add-on then has no source of its own.
  const single = o.source !== undefined && isSingle(o.source);
  return { variant: f.relaxedSimd && !single ? 'relaxed' : 'shared', shared: true };
}

function isSingle(s: RuntimeOptions['source']): s is WasmSource {
  return s instanceof WebAssembly.Module || s instanceof ArrayBuffer || ArrayBuffer.isView(s) || typeof s === 'string' || s instanceof URL
    || (typeof Response !== 'undefined' && s instanceof Response);
}

function pickSource(o: RuntimeOptions, v: Variant): WasmSource | undefined {
  const s = o.source;
  if (s === undefined) return undefined;
  if (isSingle(s)) return s;
  return (s as Partial<Record<Variant, WasmSource>>)[v];
}

/** The kernel modules declare 256 initial and 32768 maximum pages: a shared memory import must lie within them. */
const MODULE_PAGES = { initial: 256, maximum: 32768 };

/** Options checked before any WebAssembly call (a raw LinkError or RangeError names nothing). */
function checkOptions(o: RuntimeOptions): void {
  if (typeof o !== 'object' || o === null) throw new ArgumentError(`mx.ready: options must be an object, got ${o === null ? 'null' : typeof o}`, { arg: 'options' });
  const { initial, maximum } = MODULE_PAGES;
  if (o.maxPages !== undefined && !(Number.isInteger(o.maxPages) && o.maxPages >= initial && o.maxPages <= maximum)) {
    throw new ArgumentError(`mx.ready: maxPages must be an integer from ${initial} to ${maximum} (64 KiB pages: 16 MiB to 2 GiB), got ${o.maxPages}`, { arg: 'maxPages' });
  }
  const max = o.maxPages ?? maximum;
  if (o.initialPages !== undefined && !(Number.isInteger(o.initialPages) && o.initialPages >= initial && o.initialPages <= max)) {
    throw new ArgumentError(`mx.ready: initialPages must be an integer from ${initial} to maxPages (${max}), got ${o.initialPages}`, { arg: 'initialPages' });
  }
  if (o.variant !== undefined && !['relaxed', 'shared', 'noshared'].includes(o.variant))
    throw new ArgumentError(`mx.ready: variant must be 'relaxed', 'shared' or 'noshared', got ${String(o.variant)}`, { arg: 'variant' });
}

/** After init, options that would change the runtime are an error rather than silently ignored. */
function sameOptions(r: Runtime, o: RuntimeOptions): Runtime {
  if (o === undefined || o === null) return r;
  const clash = o.maxPages !== undefined && o.maxPages * PAGE !== r.alloc.maxBytes() ? `maxPages ${o.maxPages} (it has ${r.alloc.maxBytes() / PAGE})`
    : o.variant !== undefined && o.variant !== r.variant ? `variant '${o.variant}' (it runs '${r.variant}')`
      : o.noShared && r.shared ? 'noShared (its memory is shared)' : '';
  if (clash) throw new ArgumentError(`mx.ready: the runtime is already initialised (by an earlier ready() or the first op), so ${clash} cannot apply: call ready() with options before anything else`,
    { arg: 'options' });
  return r;
}

function makeMemory(o: RuntimeOptions, shared: boolean): WebAssembly.Memory {
  const maximum = o.maxPages ?? 32768;
  const initial = Math.min(o.initialPages ?? 256, maximum);
  return new WebAssembly.Memory({ initial, maximum, shared } as WebAssembly.MemoryDescriptor);
}

/**
 * The kernel table of the main module plus the add-on: a mutable copy (the thread pool swaps in parallel versions).
 * (Object.assign, not an object spread: the same fast-properties table, 16 KB of young allocation against 63 KB.)
 */
function kernelTable(instance: WebAssembly.Instance, addon: WebAssembly.Instance | undefined): KernelTable {
  return Object.assign({}, instance.exports, addon?.exports) as unknown as KernelTable;
}

type Addon = { module: WebAssembly.Module; instance: WebAssembly.Instance };
type Fn = (...a: number[]) => number;

/**
 * `addon` given as a function is loaded on first use: its kernels are forwarders in K until then, and `Runtime.addon`
 * loads it when read (the thread pool's start). A first op that needs none of them (most: only GEMM-based convolution
 * and matrix products do) skips compiling it (~1-2 ms and ~20 page faults of a cold start in Node).
 */
function finish(module: WebAssembly.Module, instance: WebAssembly.Instance, memory: WebAssembly.Memory, variant: Variant, shared: boolean, o: RuntimeOptions,
  addon?: Addon | (() => Addon)): Runtime {
  let loaded = typeof addon === 'function' ? undefined : addon;
  const getAddon = typeof addon === 'function' ? () => (loaded ??= addon()) : () => loaded;
  const K = kernelTable(instance, loaded?.instance);
  if (typeof addon === 'function') {
    for (const name of relaxedKernelNames()) {
      let f: Fn | undefined;
      K[name] = (...a: number[]) => (f ??= getAddon()!.instance.exports[name] as Fn)(...a);
    }
  }
  const heapBase = (K.heapBase() as number) >>> 0;
  const maxBytes = (o.maxPages ?? 32768) * PAGE;
  const alloc = new Allocator({
    byteLength: () => memory.buffer.byteLength,
    maxBytes: () => maxBytes,
    growTo: (bytes) => {
      const pages = Math.ceil((bytes - memory.buffer.byteLength) / PAGE);
      try { if (pages > 0) memory.grow(pages); return true; } catch { return false; }
    },
  }, heapBase);
  const scratchOff = alloc.alloc(SCRATCH_BYTES);
  const r = { memory, module, K, alloc, variant, shared, features: detectFeatures(), heapBase, scratch: { off: scratchOff, bytes: SCRATCH_BYTES } } as Runtime;
  Object.defineProperty(r, 'addon', { get: () => getAddon()?.module, enumerable: true });
  current = r;
  for (const f of initHooks) f(r);
  // Warm-up calls the plain kernels, the modules' own exports (it must not start the thread pool): no copy of the table.
  scheduleWarmUp(r, (name) => instance.exports[name] ?? getAddon()?.instance.exports[name]);
  return r;
}

/**
 * Warms the kernels a little after init rather than inside it: a short-lived process (a CLI call, a
 * serverless request) does not pay for kernels it never calls, and a long-lived one has them compiled
 * soon. (Node: an unref'd timer. Not 0 ms: Node's ESM loader keeps the event loop alive for a few turns
 * after the importing module runs, so a 0 ms timer fired even in a one-op script: ~30% of its start-up CPU.)
 */
const WARM_DELAY_MS = 50;
function scheduleWarmUp(r: Runtime, raw: (name: string) => unknown): void {
  try {
    const t = setTimeout(() => warmUp(r, raw), WARM_DELAY_MS) as unknown as { unref?: () => void };
    t.unref?.();
  } catch {
    warmUp(r, raw); // Cloudflare Workers forbid timers at global scope, where the edge entry initialises
  }
}

/**
 * Runtime of a data-parallel worker thread: the same compiled module on the main thread's shared
 * memory, allocating only inside the region [start, end) that the main thread reserved for it
 * (the allocator there never grows the memory).
 * @example initRuntimeInWorker({ module, memory, variant: 'shared', region: { start, end } })
 */
export function initRuntimeInWorker(o: { module: WebAssembly.Module; addon?: WebAssembly.Module; memory: WebAssembly.Memory; variant: Variant; region: { start: number; end: number } }): Runtime {
  if (current) return current;
  const imports = { env: { memory: o.memory } };
  const instance = new WebAssembly.Instance(o.module, imports);
  const K = kernelTable(instance, o.addon ? new WebAssembly.Instance(o.addon, imports) : undefined);
  const alloc = new Allocator({ byteLength: () => o.region.end, maxBytes: () => o.region.end, growTo: () => false }, o.region.start);
  const r: Runtime = {
    memory: o.memory, module: o.module, addon: o.addon, K, alloc, variant: o.variant, shared: true, features: detectFeatures(), heapBase: o.region.start,
    scratch: { off: alloc.alloc(SCRATCH_BYTES), bytes: SCRATCH_BYTES },
  };
  current = r;
  for (const f of initHooks) f(r);
  warmUp(r);
  return r;
}

/**
 * Loads the kernels synchronously (Node, edge runtimes given a compiled module).
 * @example initRuntimeSync({ source: compiledModule }) // Cloudflare Workers: import mod from './kernels.wasm'
 */
export function initRuntimeSync(o: RuntimeOptions = {}): Runtime {
  if (current) return sameOptions(current, o);
  checkOptions(o);
  const f = detectFeatures();
  const { variant, shared } = chooseVariant(f, o);
  const load = (v: Variant): WebAssembly.Module => v === 'relaxed' ? withRelaxedSimd(() => loadAny(v)) : loadAny(v);
  const loadAny = (v: Variant): WebAssembly.Module => {
    const src: unknown = pickSource(o, v) ?? provider?.sync?.(v);
    if (src === undefined) throw new ArgumentError(`no synchronous source for the ${v} kernels: use await mx.ready()`);
    if (typeof src === 'string' || src instanceof URL) throw new ArgumentError('a path or URL needs the async loader: await mx.ready({source})');
    return src instanceof WebAssembly.Module ? src : new WebAssembly.Module(src as BufferSource);
  };
  // 'relaxed' = the shared-memory module plus the relaxed add-on.
  const module = load(variant === 'relaxed' ? 'shared' : variant);
  const memory = makeMemory(o, shared);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  // The relaxed add-on is compiled on first use (MXWASM_ADDON_EAGER=1: at init, as before).
  const addon = variant === 'relaxed' ? (): Addon => { const m = load('relaxed'); return { module: m, instance: new WebAssembly.Instance(m, { env: { memory } }) }; } : undefined;
  return finish(module, instance, memory, variant, shared, o, addon && EAGER_ADDON ? addon() : addon);
}

/**
 * Loads the kernels asynchronously: needed in browsers (and for URLs).
 * @example await mx.ready(); // or await mx.ready({ source: new URL('./kernels.wasm', import.meta.url) })
 */
export async function initRuntime(o: RuntimeOptions = {}): Promise<Runtime> {
  if (current) return sameOptions(current, o);
  checkOptions(o);
  if (pending) return pending;
  pending = (async () => {
    const f = detectFeatures();
    const { variant, shared } = chooseVariant(f, o);
    // (An engine that needs a flag for relaxed SIMD reads it when a compile starts: the synchronous parts are scoped.)
    const load = async (v: Variant) => {
      const src = pickSource(o, v) ?? (provider ? await withRelaxedSimd(() => provider!.async(v)) : undefined);
      if (src === undefined) throw new ArgumentError(`no source for the ${v} kernels`);
      return compile(src);
    };
    const [module, addonModule] = await Promise.all([load(variant === 'relaxed' ? 'shared' : variant), variant === 'relaxed' ? load('relaxed') : undefined]);
    const memory = makeMemory(o, shared);
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const addon = addonModule ? { module: addonModule, instance: await WebAssembly.instantiate(addonModule, { env: { memory } }) } : undefined;
    return finish(module, instance, memory, variant, shared, o, addon);
  })();
  try { return await pending; } finally { pending = undefined; }
}

async function compile(src: WasmSource): Promise<WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  if (typeof Response !== 'undefined' && src instanceof Response) {
    if (typeof WebAssembly.compileStreaming === 'function' && src.headers.get('content-type')?.includes('application/wasm')) {
      return withRelaxedSimd(() => WebAssembly.compileStreaming(src));
    }
    const bytes = await src.arrayBuffer();
    return withRelaxedSimd(() => WebAssembly.compile(bytes));
  }
  if (typeof src === 'string' || src instanceof URL) {
    const res = await fetch(src);
    if (!res.ok) throw new ArgumentError(`cannot fetch kernels from ${String(src)}: HTTP ${res.status}`);
    return compile(res);
  }
  return withRelaxedSimd(() => WebAssembly.compile(src as BufferSource));
}

/** Calls every kernel of the manifest once on a tiny zeroed buffer (compiles and warms it before real work; the GEMM warm-up is sized to reach its packed path). */
function warmUp(r: Runtime, kernel: (name: string) => unknown = (name) => r.K[name]): void {
  const base = r.scratch.off;
  viewOf(r.memory, Uint8Array, base, 1 << 20).fill(0);
  for (const k of kernels()) {
    const fn = kernel(k.name) as (...a: number[]) => unknown;
    if (typeof fn !== 'function' || !k.warm) continue;
    fn(...k.warm(base, r.scratch.off + (1 << 20)));
  }
}

/** Allocator statistics: bytes in use, peak, live blocks. @example mx.memoryStats().bytesInUse */
export function memoryStats(): AllocStats { return rt().alloc.stats(); }

/**
 * The most bytes the memory can ever hold: the configured maximum once initialised, else wasm32's 4 GiB (the
 * bound shape inference checks every inferred shape against, before anything is planned).
 * @example memoryMaxBytes() === 2 ** 31 // after the default init
 */
export function memoryMaxBytes(): number { return current ? current.alloc.maxBytes() : 2 ** 32; }

