// Namespaces the bundles evaluate on first use (scripts/lazy.mjs turns `export * as x from './x/index.js'; // lazy`
// into `export const x = lazyNamespace('x', () => require('./x/index.js'))` there): a cold start (a serverless
// request, a CLI call) does not run, or even have the engine deserialize, the top level of subsystems it never
// touches (ONNX, Gluon, the CLI, ...). Sources run under tsx import them eagerly, as written.

import { FormatError, isMxError } from '../errors.js';

const loaded: string[] = [];
const KEY = Symbol.for('mxwasm.lazyLoaded');
(globalThis as Record<symbol, unknown>)[KEY] = loaded;

/** Runs `load`; a failure (the Node bundle's mxwasm-lazy.cjs missing or damaged) says what could not load. */
function loadPart<T>(name: string, load: () => T): T {
  try { return load(); } catch (e) {
    if (isMxError(e)) throw e;
    const err = new FormatError(`mxwasm could not load its part '${name}' (loaded on first use; in Node from dist/node/mxwasm-lazy.cjs): ` +
      `${(e as Error)?.message ?? e}. If the package is incomplete or damaged, reinstall it.`, { part: name });
    throw Object.assign(err, { cause: e });
  }
}

/**
 * A module namespace loaded on its first property access. Reads, `in`, key listing and descriptors go to the real
 * namespace; it is read-only, like a module namespace. `globalThis[Symbol.for('mxwasm.lazyLoaded')]` lists the
 * names loaded so far (tests check that an import and a first op load none).
 * @example export const onnx = lazyNamespace('onnx', () => require('./onnx/index.js'));
 */
export function lazyNamespace<T extends object>(name: string, load: () => T): T {
  let ns: T | undefined;
  const real = (): T => {
    if (!ns) { ns = loadPart(name, load); loaded.push(name); }
    return ns;
  };
  const refuse = (): boolean => { throw new TypeError(`mxwasm: the ${name} namespace is read-only`); };
  return new Proxy(Object.create(null) as T, {
    get: (_t, k) => (k === Symbol.toStringTag ? 'Module' : Reflect.get(real(), k)),
    has: (_t, k) => Reflect.has(real(), k),
    ownKeys: () => Reflect.ownKeys(real()),
    // Reported configurable: the proxy's own target is empty (a non-configurable property must exist on it).
    getOwnPropertyDescriptor: (_t, k) => {
      const d = Reflect.getOwnPropertyDescriptor(real(), k);
      return d && { value: Reflect.get(real(), k), writable: false, enumerable: d.enumerable, configurable: true };
    },
    set: refuse, defineProperty: refuse, deleteProperty: refuse, setPrototypeOf: refuse,
  });
}

/**
 * Functions named `names` that call `ns[name]` (a lazy namespace's: loaded on the first call, not before).
 * @example Object.assign(mx.nd, callThrough(ndIO, 'save', 'load'))
 */
export function callThrough<T extends object, K extends keyof T & string>(ns: T, ...names: K[]): Pick<T, K> {
  const out = {} as Record<string, unknown>;
  for (const k of names) out[k] = { [k](this: unknown, ...a: unknown[]) { return (ns[k] as (...x: unknown[]) => unknown).apply(this, a); } }[k];
  return out as Pick<T, K>;
}

/**
 * A class loaded on first use: `new`, static members, `instanceof` and subclassing go to the class `load()` returns.
 * @example export const Predictor = lazyClass(() => predictorModule.Predictor);
 */
export function lazyClass<T extends object>(load: () => T): T {
  let c: T | undefined;
  // Instances' `constructor` is this proxy (the class's own name, not the one the user imported), so that
  // `p.constructor === mx.Predictor` holds as `p instanceof mx.Predictor` does.
  const real = (): T => c ?? (c = adopt(load()));
  const adopt = (k: T): T => {
    const proto = (k as { prototype?: object }).prototype;
    if (proto && Object.getOwnPropertyDescriptor(proto, 'constructor')?.value === k) Object.defineProperty(proto, 'constructor', { value: proxy, writable: true, configurable: true });
    return k;
  };
  // A plain function as the target (constructible). Its own non-configurable properties (`prototype`, and in sloppy
  // code `arguments` / `caller`) must be reported as they are, `prototype` with the class's value (it is writable).
  const fixed = (t: object, k: string | symbol) => { const d = Reflect.getOwnPropertyDescriptor(t, k); return d && !d.configurable ? d : undefined; };
  const proxy: T = new Proxy(function () { 'use strict'; } as unknown as T, {
    construct: (_t, a, nt) => Reflect.construct(real() as Function, a, nt === proxy ? real() as Function : nt),
    get: (_t, k) => Reflect.get(real(), k),
    has: (_t, k) => Reflect.has(real(), k),
    // Writes go to the class too (a test stubbing a static), as does the prototype chain (a class that extends).
    set: (_t, k, v) => Reflect.set(real(), k, v),
    defineProperty: (_t, k, d) => Reflect.defineProperty(real(), k, d),
    deleteProperty: (_t, k) => Reflect.deleteProperty(real(), k),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    ownKeys: (t) => [...new Set([...Reflect.ownKeys(real()), ...Reflect.ownKeys(t).filter((k) => fixed(t, k))])],
    getOwnPropertyDescriptor: (t, k) => {
      const f = fixed(t, k);
      if (f) return k === 'prototype' ? { ...f, value: (real() as { prototype: unknown }).prototype } : f;
      const d = Reflect.getOwnPropertyDescriptor(real(), k);
      return d && { ...d, configurable: true };
    },
  });
  return proxy;
}
