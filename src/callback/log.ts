// The training log sink (MXNet's logging.info): console.log by default, replaceable.
let sink: (msg: string) => void = (m) => console.log(m);

/** Routes training messages (Speedometer, fit) elsewhere; returns the previous sink. @example mx.callback.setLogger((m) => lines.push(m)) */
export function setLogger(f: (msg: string) => void): (msg: string) => void { const old = sink; sink = f; return old; }
/** Logs one message. @example log('Epoch[0] Train-accuracy=0.9') */
export function log(msg: string): void { sink(msg); }
/** Python's '%f'. @example pyF(0.5) // '0.500000' */
export function pyF(x: number, digits = 6): string { return Number.isFinite(x) ? x.toFixed(digits) : Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf'; }
