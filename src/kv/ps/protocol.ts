// Wire format and settings of the distributed KVStore. A message is [meta, ...data]: meta is a
// small UTF-8 JSON object (`c` the command, `id` the request id, numbers for keys and sizes), data
// parts are raw little-endian float32 bytes. Everything received is checked before it is used:
// a malformed meta, a field of the wrong type, a data part whose length disagrees with the meta,
// or a value over the limits is a `ProtocolError`, never trusted.
import { ArgumentError, MxError } from '../../errors.js';
import type { Part } from './transport.js';

/** A malformed, oversized or unexpected message. */
export class ProtocolError extends MxError {
  constructor(msg: string) { super('protocol', `kvstore protocol: ${msg}`); this.name = 'ProtocolError'; }
}

/** A peer that did not answer in time, or a job that was aborted. */
export class KVTimeoutError extends MxError {
  constructor(msg: string) { super('timeout', msg); this.name = 'KVTimeoutError'; }
}

export const MAX_META = 64 * 1024;
/**
 * dist_sync pushes and pulls of a slice above this many values (MXWASM_KV_CHUNK) travel as chunks of
 * it (fields o, m): the server merges one while the next is on the wire. Every worker of a job must
 * chunk the same way (launch passes one environment to all), so chunk offsets meet on the server.
 */
export const CHUNK_VALUES = 1 << 18;

export type Meta = Record<string, unknown> & { c: string };

/** Settings shared by every role, from the environment (DMLC_* as MXNet's launcher sets them). */
export interface DistEnv {
  role: 'worker' | 'server' | 'scheduler';
  rootUri: string; rootPort: number; numWorkers: number; numServers: number;
  /** Host to bind: 127.0.0.1 for a loopback job, else 0.0.0.0. */
  host: string;
  /** The host servers give others to dial (DMLC_NODE_HOST; else chosen by the Node side). */
  advertise?: string;
  /** Timeout for any awaited answer, ms (MXWASM_KV_TIMEOUT seconds, default 60). */
  timeoutMs: number;
  /** How long the job may take to form, every process started and joined, ms (MXWASM_KV_JOIN_TIMEOUT s; default 3x the timeout, at least 30 s). */
  joinMs: number;
  /** Largest message accepted, bytes (MXWASM_KV_MAX_MESSAGE, default 1 GiB). */
  maxMessage: number;
  /** Arrays with at least this many elements are sliced over all servers (MXNET_KVSTORE_BIGARRAY_BOUND). */
  bigArrayBound: number;
  /** dist_sync slices above this many values travel as chunks of it (MXWASM_KV_CHUNK, default CHUNK_VALUES). */
  chunkValues: number;
  /** DMLC_TASK_ID: orders workers for ranks when given. */
  taskId: number;
}

function int(env: Record<string, string | undefined>, name: string, dflt?: number, min = 0): number {
  const v = env[name];
  if (v === undefined || v === '') {
    if (dflt === undefined) throw new ArgumentError(`distributed kvstore: environment variable ${name} is not set (start the job with \`mxwasm launch\`)`);
    return dflt;
  }
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ArgumentError(`distributed kvstore: ${name}=${v} is not an integer >= ${min}`);
  return n;
}

function seconds(env: Record<string, string | undefined>, name: string): number {
  const t = Number(env[name]);
  if (!(t > 0)) throw new ArgumentError(`distributed kvstore: ${name}=${env[name]} is not a positive number of seconds`);
  return t;
}

/** Reads DMLC_ROLE, DMLC_PS_ROOT_URI/PORT, DMLC_NUM_WORKER/SERVER and mxwasm's own settings. @example readEnv(process.env).numWorkers */
export function readEnv(env: Record<string, string | undefined>): DistEnv {
  const role = (env.DMLC_ROLE ?? 'worker') as DistEnv['role'];
  if (!['worker', 'server', 'scheduler'].includes(role)) throw new ArgumentError(`distributed kvstore: DMLC_ROLE=${role} (worker, server or scheduler)`);
  const rootUri = env.DMLC_PS_ROOT_URI;
  if (!rootUri) throw new ArgumentError('distributed kvstore: environment variable DMLC_PS_ROOT_URI is not set (start the job with `mxwasm launch`)');
  const t = env.MXWASM_KV_TIMEOUT ? seconds(env, 'MXWASM_KV_TIMEOUT') : 60;
  return {
    role, rootUri, rootPort: int(env, 'DMLC_PS_ROOT_PORT', undefined, 1),
    numWorkers: int(env, 'DMLC_NUM_WORKER', undefined, 1), numServers: int(env, 'DMLC_NUM_SERVER', undefined, 1),
    // Loopback jobs stay on loopback; otherwise bind every interface and advertise DMLC_NODE_HOST
    // (a name or IP others can dial, e.g. a pod's DNS name) or one interface's IP (DMLC_INTERFACE).
    host: rootUri === 'localhost' || rootUri.startsWith('127.') ? '127.0.0.1' : '0.0.0.0',
    advertise: env.DMLC_NODE_HOST || undefined,
    timeoutMs: t * 1000, joinMs: env.MXWASM_KV_JOIN_TIMEOUT ? seconds(env, 'MXWASM_KV_JOIN_TIMEOUT') * 1000 : Math.max(3 * t * 1000, 30000),
    maxMessage: int(env, 'MXWASM_KV_MAX_MESSAGE', 1 << 30, 1024),
    bigArrayBound: int(env, 'MXNET_KVSTORE_BIGARRAY_BOUND', 1000000, 1), chunkValues: int(env, 'MXWASM_KV_CHUNK', CHUNK_VALUES, 1),
    // launch.py's local/ssh launchers set DMLC_TASK_ID; under mpirun the MPI rank orders the workers.
    taskId: int(env, ['DMLC_TASK_ID', 'OMPI_COMM_WORLD_RANK', 'PMI_RANK'].find((k) => env[k] !== undefined) ?? 'DMLC_TASK_ID', -1, -1),
  };
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** [meta, ...data] @example encode({ c: 'pull', id: 3, k: 0 }) */
export function encode(meta: Meta, ...data: Part[]): Part[] { return [enc.encode(JSON.stringify(meta)), ...data]; }

/** Parses and checks the meta part. */
export function decode(parts: Part[]): { meta: Meta; data: Part[] } {
  if (!parts.length) throw new ProtocolError('empty message');
  if (parts[0].length > MAX_META) throw new ProtocolError(`meta part of ${parts[0].length} bytes (limit ${MAX_META})`);
  let meta: unknown;
  try { meta = JSON.parse(dec.decode(parts[0])); } catch (e) { throw new ProtocolError(`meta is not JSON: ${(e as Error).message}`); }
  if (!meta || typeof meta !== 'object' || Array.isArray(meta) || typeof (meta as Meta).c !== 'string') throw new ProtocolError('meta is not an object with a command');
  return { meta: meta as Meta, data: parts.slice(1) };
}

/** A non-negative integer field (below `max`). */
export function field(m: Meta, name: string, max = Number.MAX_SAFE_INTEGER): number {
  const v = m[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new ProtocolError(`'${m.c}': field ${name}=${JSON.stringify(v)} is not an integer in [0, ${max}]`);
  return v;
}

/** A string field. */
export function text(m: Meta, name: string, max = 4096): string {
  const v = m[name];
  if (typeof v !== 'string' || v.length > max) throw new ProtocolError(`'${m.c}': field ${name} is not a string of at most ${max} characters`);
  return v;
}

/** The float32 data part `i`, checked to hold exactly `n` values (copied out when misaligned). */
export function floats(m: Meta, data: Part[], i: number, n: number): Float32Array {
  const p = data[i];
  if (!p) throw new ProtocolError(`'${m.c}': data part ${i} missing`);
  if (p.byteLength !== n * 4) throw new ProtocolError(`'${m.c}': data part of ${p.byteLength} bytes for ${n} float32 values`);
  if (p.byteOffset % 4) return new Float32Array(p.slice().buffer, 0, n);
  return new Float32Array(p.buffer, p.byteOffset, n);
}

/** Raw bytes as a Uint8Array view of float32 data. */
export const bytesOf = (a: Float32Array): Part => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
