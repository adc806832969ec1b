// gluon.contrib.nn containers the model zoo needs (MXNet 1.9 gluon/contrib/nn/basic_layers.py).
import { HybridBlock, type BlockOptions } from '../block.js';

type P = Record<string, any>;

/** Runs every child on the same input and concatenates the outputs along `axis`. @example new HybridConcurrent(1) */
export class HybridConcurrent extends HybridBlock {
  static override alias = 'hybridconcurrent';
  readonly axis: number;
  constructor(axis = -1, o: BlockOptions = {}) { super(o); this.axis = axis; }
  add(...blocks: HybridBlock[]): this { for (const b of blocks) this.registerChild(b); return this; }
  override hybridForward(F: P, x: unknown): unknown { return F.Concat(...[...this.children.values()].map((c) => c.forward(x)), { dim: this.axis }); }
}

/** Returns its input. @example new Identity() */
export class Identity extends HybridBlock {
  static override alias = 'identity';
  constructor(o: BlockOptions = {}) { super(o); }
  override hybridForward(_F: P, x: unknown): unknown { return x; }
}
