// An optimizer as data, for the servers (MXNet pickles it: arbitrary code; this sends the
// registered name and the plain hyper-parameters, and re-creates it with the same kernels).
import { ArgumentError } from '../../errors.js';
import '../../optim/rules.js'; // the optimizers register themselves (mx.optimizer is lazy in the bundles)
import { create, registeredName, type Optimizer } from '../../optim/optimizer.js';
import { CosineScheduler, FactorScheduler, LRScheduler, MultiFactorScheduler, PolyScheduler } from '../../optim/lr-scheduler.js';

const SCHEDULERS = { FactorScheduler, MultiFactorScheduler, PolyScheduler, CosineScheduler } as Record<string, new (...a: never[]) => LRScheduler>;
const SKIP = new Set(['indexUpdateCount', 'symInfo', 'lrScheduler']);

function plain(v: unknown): boolean {
  if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every(plain);
  return !!v && Object.getPrototypeOf(v) === Object.prototype && Object.values(v as object).every(plain);
}
function fields(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!SKIP.has(k) && plain(v)) out[k] = v;
  return out;
}

export interface OptimizerSpec { name: string; fields: Record<string, unknown>; scheduler?: { cls: string; fields: Record<string, unknown> } }

/** @example toSpec(mx.optimizer.create('sgd', { momentum: 0.9 })).name // 'sgd' */
export function toSpec(opt: Optimizer): OptimizerSpec {
  const name = registeredName(opt);
  if (!name) throw new ArgumentError(`kvstore: optimizer ${opt.constructor.name} is not registered (mx.optimizer.register), so servers cannot re-create it`);
  const spec: OptimizerSpec = { name, fields: fields(opt) };
  const s = opt.lrScheduler;
  if (s) {
    const cls = Object.keys(SCHEDULERS).find((k) => s.constructor === SCHEDULERS[k]);
    if (!cls) throw new ArgumentError('kvstore: a custom lr scheduler function cannot be sent to the servers (use one of mx.lrScheduler\'s classes)');
    spec.scheduler = { cls, fields: fields(s) };
  }
  return spec;
}

/** Re-creates the optimizer (a server's side). */
export function fromSpec(spec: OptimizerSpec): Optimizer {
  if (!spec || typeof spec.name !== 'string' || !spec.fields || typeof spec.fields !== 'object') throw new ArgumentError('kvstore: bad optimizer spec');
  const opt = create(spec.name, {});
  for (const [k, v] of Object.entries(spec.fields)) if (!SKIP.has(k) && plain(v)) (opt as unknown as Record<string, unknown>)[k] = v;
  if (spec.scheduler) {
    const C = SCHEDULERS[spec.scheduler.cls];
    if (!C) throw new ArgumentError(`kvstore: unknown lr scheduler ${spec.scheduler.cls}`);
    const s = Object.create(C.prototype) as LRScheduler;
    Object.assign(s, spec.scheduler.fields);
    opt.lrScheduler = s;
  }
  return opt;
}
