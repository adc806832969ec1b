/** A device context, MXNet style. Everything runs on the CPU here; a list of contexts means one executor (thread) each. */
export interface Context { deviceType: 'cpu'; deviceId: number; toString(): string }

/**
 * The CPU context `cpu(i)`: in a Module's context list, each entry is one data-parallel executor.
 * @example new mx.mod.Module({ symbol: net, context: [mx.cpu(0), mx.cpu(1)] })
 */
export function cpu(deviceId = 0): Context {
  return { deviceType: 'cpu', deviceId, toString: () => `cpu(${deviceId})` };
}

/** The current context (always cpu(0)). @example mx.currentContext().toString() === 'cpu(0)' */
export function currentContext(): Context { return cpu(0); }
