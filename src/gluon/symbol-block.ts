// gluon.SymbolBlock (MXNet 1.9): a Symbol wrapped as a HybridBlock: every non-input variable becomes a Parameter
// named exactly as the variable (no prefix; aux states with grad_req 'null'); it always runs as a cached graph.
// `imports` loads an exported model (`-symbol.json` + `.params`), e.g. what HybridBlock.export wrote.
import { ArgumentError } from '../errors.js';
import { readFileBytes } from '../format/fs.js';
import { loadWithInfo } from '../format/ndarray-io.js';
import type { BytesLike } from '../format/reader.js';
import { fromJSON } from '../symbol/json.js';
import { Symbol } from '../symbol/symbol.js';
import { HybridBlock } from './block.js';
import { ParameterDict } from './parameter.js';

/**
 * A HybridBlock running a given symbol. @example
 * const net = mx.gluon.SymbolBlock.imports('lenet-symbol.json', ['data'], 'lenet-0001.params');
 * const y = net.forward(x);
 */
export class SymbolBlock extends HybridBlock {
  static override alias = 'symbolblock';
  readonly symbol: Symbol;
  readonly inputNames: string[];

  constructor(outputs: Symbol | Symbol[], inputs: Symbol | Symbol[] | string | string[], params?: ParameterDict) {
    super({ prefix: '', params: params ?? new ParameterDict('') });
    this.symbol = Array.isArray(outputs) ? new Symbol(outputs.flatMap((s) => s.outputs)) : outputs;
    const ins = (Array.isArray(inputs) ? inputs : [inputs]).map((s) => (typeof s === 'string' ? s : s.name!));
    const all = this.symbol.listInputs();
    for (const n of ins) if (!all.includes(n)) throw new ArgumentError(`SymbolBlock: input '${n}' is not a variable of the symbol (variables: ${all.slice(0, 10).join(', ')})`);
    this.inputNames = ins;
    const aux = new Set(this.symbol.listAuxiliaryStates());
    for (const n of all) {
      if (ins.includes(n)) continue;
      this.param(n, aux.has(n) ? { gradReq: 'null', allowDeferredInit: true, differentiable: false } : { allowDeferredInit: true });
    }
    this.active = true;
  }

  /**
   * Loads an exported model: symbol file (path, JSON text or Symbol), input names, params file (path or bytes;
   * `arg:`/`aux:` prefixes dropped). @example SymbolBlock.imports('net-symbol.json', ['data'], 'net-0000.params')
   */
  static imports(symbolFile: string | Symbol, inputNames: string | string[], paramFile?: string | BytesLike): SymbolBlock {
    let s: Symbol;
    if (symbolFile instanceof Symbol) s = symbolFile;
    else if (symbolFile.trim().startsWith('{')) s = fromJSON(symbolFile);
    else s = fromJSON(new TextDecoder().decode(readFileBytes(symbolFile, 'SymbolBlock.imports')));
    const b = new SymbolBlock(s, inputNames);
    if (paramFile !== undefined) {
      const r = loadWithInfo(typeof paramFile === 'string' ? readFileBytes(paramFile, 'SymbolBlock.imports') : paramFile);
      try {
        (r.names ?? []).forEach((n, i) => {
          const k = n.replace(/^(arg|aux):/, '');
          if (!b.params.has(k)) throw new ArgumentError(`SymbolBlock.imports: Parameter '${k}' loaded from file is not present in the symbol`);
          b.params.get(k).setData(r.arrays[i]);
        });
      } finally { for (const a of r.arrays) a.dispose(); }
    }
    return b;
  }

  override hybridize(active = true, o = {}): void { super.hybridize(active, o); this.active = true; }

  override hybridForward(F: unknown, ...args: unknown[]): unknown {
    const inputs = args.slice(0, -1);
    if (F !== undefined && inputs[0] instanceof Symbol) {
      const repl: Record<string, Symbol> = {};
      this.inputNames.forEach((n, i) => { if (inputs[i]) repl[n] = inputs[i] as Symbol; });
      const out = this.symbol.call(repl);
      return out.outputs.length === 1 ? out : out.outputs.map((e) => new Symbol([e]));
    }
    throw new ArgumentError('SymbolBlock runs as a cached graph only');
  }
}
