// Types of the workload interface (see bench/README.md). Use in a workload file as
// /** @type {import('../lib/workload').Workload[]} */
/** One measured implementation: `run()` is one iteration; `teardown()` frees what setup made. */
export interface Instance { run(): void | Promise<void>; teardown?(): void | Promise<void> }
/** What setups receive: the library from src/, the runtime, the GEMM picker, loaded peers by name. */
export interface SetupCtx { mx: any; rt: () => any; gemmKernel: (K: any) => (...a: number[]) => number; libs: Record<string, any> }
/** A workload: name (CLI filter), group, optional FLOP per run, and one setup per implementation. */
export interface Workload {
  name: string; group: string; flops?: number; desc?: string;
  /** Each run hands a fresh output buffer to JS (the plain API rows): the columns alternate run by run. */
  freshOutput?: boolean;
  impls: Record<string, (ctx: SetupCtx) => Instance | null | Promise<Instance | null>>;
}
