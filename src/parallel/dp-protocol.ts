/**
 * Data-parallel protocol between the main thread and executor workers. Setup goes by postMessage;
 * each step by a control block in shared memory (Int32 words): 0 generation, 1 done count,
 * 2 error count, 3 command, 4 worker state (1 ready, 2 bound), 5 µs of its last step (diagnostics),
 * 6 dead (the worker's loop ended on an error: it says so itself, the text in 16..), 7 test hook (1: exit at the
 * next step), 16.. error text (UTF-16 codes, 200 words), 32.. byte offsets of its outputs.
 */
export const DP_CTRL_BYTES = 1024;
/** Named control words (see above). */
export const DP_WORD = { dead: 6, exitHook: 7 } as const;
export const enum Cmd { ForwardTrain = 1, ForwardInfer = 2, Backward = 3, ForwardBackward = 4 }

/** An array living in the shared memory, described for the other side. */
export interface ArrayDesc { name: string; off: number; shape: number[]; dtype: 'float32' | 'int32' | 'uint8' | 'int8' }

export type ToWorker =
  // `watch`: the worker keeps this MessagePort for its life; its closing tells the watchdog it ended (watchdog.ts).
  | { type: 'init'; module: WebAssembly.Module; addon?: WebAssembly.Module; memory: WebAssembly.Memory; variant: 'shared' | 'relaxed' | 'noshared'; region: { start: number; end: number };
    ctrl: number; id: number; watch?: unknown }
  | { type: 'bind'; symbolJSON: string; gradReq: Record<string, 'write' | 'add' | 'null'>; args: ArrayDesc[]; grads: (ArrayDesc | null)[]; aux: ArrayDesc[] }
  | { type: 'exit' }
  // Browsers: sent ahead (mx.threadsReady), because a nested worker gets no message while its parent blocks;
  // init and bind then come through the mailbox in shared memory (MailboxPayload, UTF-8 JSON).
  | { type: 'park'; module: WebAssembly.Module; addon?: WebAssembly.Module; memory: WebAssembly.Memory; variant: 'shared' | 'relaxed' | 'noshared'; mailbox: number; watch?: unknown };

/** What a parked worker reads from its mailbox (Int32 words: 0 state 1 = posted, -1 = released; 1 payload offset; 2 length). */
export interface MailboxPayload {
  init: { region: { start: number; end: number }; ctrl: number; id: number };
  bind: Omit<Extract<ToWorker, { type: 'bind' }>, 'type'>;
}
export const MAILBOX_BYTES = 16;

export type FromWorker =
  | { type: 'alive' }
  | { type: 'parked' }
  | { type: 'ready' }
  | { type: 'bound'; outputs: ArrayDesc[] }
  | { type: 'error'; message: string };

/** Writes an error text into the control block (first error wins). */
export function writeError(I: Int32Array, msg: string): void {
  if (Atomics.add(I, 2, 1) === 0) for (let i = 0; i < 200; i++) I[16 + i] = i < msg.length ? msg.charCodeAt(i) : 0;
}

/** Reads the error text of the control block. */
export function readError(I: Int32Array): string {
  let s = '';
  for (let i = 0; i < 200 && I[16 + i]; i++) s += String.fromCharCode(I[16 + i]);
  return s;
}
