// Single-file browser entry: the three kernel builds are embedded (base64) in the bundle.
// Still asynchronous (browsers limit synchronous compilation): `await mx.ready()`.
import { setSourceProvider, type Variant } from '../runtime/runtime.js';
import { setThreadPlatform } from '../parallel/pool.js';
import { webThreadPlatform } from '../parallel/web.js';
// @ts-ignore: esbuild's binary loader turns these into Uint8Arrays
import shared from '../../dist/kernels.wasm';
// @ts-ignore
import noshared from '../../dist/kernels.noshared.wasm';
// @ts-ignore
import relaxed from '../../dist/kernels.relaxed.wasm';

const BYTES: Record<Variant, Uint8Array> = { shared, noshared, relaxed };

setSourceProvider({ async: async (v) => BYTES[v] });

setThreadPlatform(webThreadPlatform());

export * from '../index.js';
