import { rt } from '../runtime/runtime.js';
import { getNumThreads, threadNote } from '../parallel/threads.js';

/** What is in use and why: memory mode, kernel variant, threads, feature notes. */
export interface RuntimeInfo {
  mode: 'shared' | 'plain';
  variant: string;
  threads: number;
  features: { simd: boolean; relaxedSimd: boolean; sharedMemory: boolean; sharedPostable: boolean };
  notes: string[];
  memoryBytes: number;
}

/** Describes the runtime. @example console.log(mx.runtimeInfo()) */
export function runtimeInfo(): RuntimeInfo {
  const r = rt();
  const { notes, ...features } = r.features;
  return { mode: r.shared ? 'shared' : 'plain', variant: r.variant, threads: getNumThreads(), features, notes: [...notes, ...(threadNote() ? [threadNote()] : [])],
    memoryBytes: r.memory.buffer.byteLength };
}
