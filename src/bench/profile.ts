/**
 * Per-layer-type profile of a network's inference (`mxwasm bench --profile`, `npm run bench:profile`): the bound
 * executor's steps (after BatchNorm folding and fusion, as any inference bind) are run one by one and timed,
 * medians over rounds, summed by op and by convolution class (convClass: 3x3 s1, 3x3 s2, 1x1, depthwise, grouped,
 * stem). CPU time (`cpu`) is the step's own cost on one thread where wall time measures a busy machine's scheduler.
 */
import { convClass } from '../ops/conv/plan.js';
import type { Executor } from '../executor/executor.js';
import type { Program } from '../executor/program.js';
import type { Symbol } from '../symbol/symbol.js';

export interface ProfileRow { key: string; ms: number; share: number }
export interface NetProfile {
  batch: number; steps: number; forwardMs: number; stepsMs: number; clock: 'wall' | 'cpu';
  byOp: ProfileRow[]; byClass: ProfileRow[];
}

const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
/** MXNet attribute strings as values: '(3, 3)' → [3, 3], '32' → 32. */
const parse = (s: unknown): unknown => (typeof s !== 'string' ? s : /^\(/.test(s) ? s.replace(/[()\s]/g, '').split(',').filter(Boolean).map(Number) : /^-?\d/.test(s) ? Number(s) : s);

/**
 * Profiles the inference of `sym` on input `data` of `shape` (weights 0.01, aux 1: timing only).
 * @example const p = profileNetwork(mx.gluon.modelZoo.vision.resnet18_v1().trace([x]).out, [1, 3, 224, 224]); p.byClass
 */
export function profileNetwork(sym: Symbol, shape: number[], o: { rounds?: number; cpu?: boolean } = {}): NetProfile {
  const rounds = o.rounds ?? 15;
  const now = o.cpu && typeof process !== 'undefined' ? () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; } : () => performance.now();
  const exe: Executor = sym.simpleBind({ shapes: { data: shape }, gradReq: 'null' });
  try {
    for (const [k, a] of Object.entries(exe.argDict)) a.data.fill(k === 'data' ? 0.5 : 0.01);
    for (const a of Object.values(exe.auxDict)) a.data.fill(1);
    exe.forward();
    // The executor's inference program: its steps and their node names (a profile reads the executor's insides).
    const prog = (exe as unknown as { programs: (Program | undefined)[] }).programs[0]!;
    const list = JSON.parse(sym.toJSON()).nodes as { name: string; op: string; attrs?: Record<string, string>; inputs: number[][] }[];
    const nodes = new Map(list.map((n) => [n.name, n]));
    const times: number[][] = prog.steps.map(() => []), whole: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < prog.steps.length; k++) { const t = now(); prog.steps[k](); times[k].push(now() - t); }
      const t = now(); exe.forward(); whole.push(now() - t);
    }
    const byOp = new Map<string, number>(), byCls = new Map<string, number>(), add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
    let total = 0;
    prog.steps.forEach((_, k) => {
      const t = median(times[k]), n = nodes.get(prog.names[k]), op = n?.op ?? prog.names[k];
      total += t; add(byOp, op, t);
      const w = n && op === 'Convolution' ? exe.argDict[list[n.inputs[1]?.[0]]?.name] : undefined; // input 1: the weight
      if (n && w) {
        const a = Object.fromEntries(Object.entries(n.attrs ?? {}).map(([x, v]) => [x, parse(v)])) as Record<string, number | number[]>;
        const [F, Cg, kh, kw] = w.shape, G = (a.num_group as number) ?? 1, st = (a.stride as number[]) ?? [1, 1], pd = (a.pad as number[]) ?? [0, 0];
        add(byCls, convClass({ N: shape[0], C: Cg * G, F, G, kh, kw, sh: st[0], sw: st[1] ?? st[0], ph: pd[0], pw: pd[1] ?? pd[0] } as Parameters<typeof convClass>[0]), t);
      }
    });
    const rows = (m: Map<string, number>): ProfileRow[] => [...m].sort((p, q) => q[1] - p[1]).map(([key, ms]) => ({ key, ms, share: total ? ms / total : 0 }));
    return { batch: shape[0], steps: prog.steps.length, forwardMs: median(whole), stepsMs: total, clock: o.cpu ? 'cpu' : 'wall', byOp: rows(byOp), byClass: rows(byCls) };
  } finally { exe.dispose(); }
}

/** The profile as text lines (by op, then by conv class). @example console.log(formatProfile('resnet18_v1', p).join('\n')) */
export function formatProfile(name: string, p: NetProfile): string[] {
  const out = [`${name} batch ${p.batch}, ${p.clock} time: forward ${p.forwardMs.toFixed(2)} ms, sum of steps ${p.stepsMs.toFixed(2)} ms (${p.steps} steps)`];
  const show = (title: string, rows: ProfileRow[]) => {
    out.push(`  by ${title}:`);
    for (const r of rows) out.push(`    ${r.key.padEnd(20)} ${r.ms.toFixed(2).padStart(8)} ms ${(100 * r.share).toFixed(1).padStart(5)}%`);
  };
  show('op', p.byOp); show('conv class', p.byClass);
  return out;
}
