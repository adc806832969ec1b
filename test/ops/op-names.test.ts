// Lazy op registration (src/ops/registry.ts declareFamily, src/ops/op-names.ts): every op name and alias is known at
// import, a family's definitions are registered on the first look-up of one of its ops, and listing ops, unknown-op
// errors and duplicate names behave as when every op was registered at import.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import '../../src/index.js';
import { FAMILIES } from '../../src/ops/index.js';
import { declareFamily, getOp, hasOp, listOpNames, registerOp, type OpDef } from '../../src/ops/registry.js';
import { ArgumentError } from '../../src/errors.js';
import * as mx from '../../src/index.js';
// @ts-ignore: plain JS module
import { generate, OUT } from '../../scripts/gen-op-names.mjs';

test('src/ops/op-names.ts is current (npm run build regenerates it)', async () => {
  assert.ok((await generate()) === readFileSync(OUT, 'utf8'), 'src/ops/op-names.ts is stale: node --import tsx scripts/gen-op-names.mjs');
});

test('every name and alias of every family is listed, and maps to its definition', () => {
  const names = listOpNames();
  let n = 0;
  for (const load of Object.values(FAMILIES)) {
    for (const d of load()) {
      for (const a of [d.name, ...(d.aliases ?? [])]) {
        n++;
        assert.is(names.get(a), d.name, a);
        assert.is(getOp(a), d, a);
      }
    }
  }
  assert.ok(n > 200, `${n} names`);
  // mx.nd and mx.sym have a function per name, installed at import from the declarations.
  for (const a of names.keys()) assert.type((mx.sym as unknown as Record<string, unknown>)[a], 'function', `mx.sym.${a}`);
  assert.type((mx.nd as unknown as Record<string, unknown>).Convolution, 'function');
});

const def = (name: string, aliases?: string[]): OpDef => ({ name, aliases, attrs: {}, inputs: () => ['data'], inferShape: (_a, ins) => ({ ins, outs: [ins[0]] }), forward: () => () => {} });

test('a declared family is registered once, on first look-up; names, aliases and errors are known before', () => {
  let loads = 0;
  const a = def('_test_lazy_a', ['_tla']), b = def('_test_lazy_b'), extra = def('_test_lazy_extra');
  declareFamily('_test_lazy_a _tla=_test_lazy_a _test_lazy_b _test_lazy_gone', () => { loads++; return [a, b, extra]; });
  assert.ok(hasOp('_tla') && hasOp('_test_lazy_b'));
  assert.is(listOpNames().get('_tla'), '_test_lazy_a');
  assert.is(loads, 0, 'not loaded by hasOp or listOpNames');
  // Declared names are taken: registering one again throws, as it did when everything registered at import.
  assert.throws(() => registerOp(def('_tla')), (e: Error) => e instanceof ArgumentError && /operator _tla registered twice/.test(e.message));
  assert.throws(() => declareFamily('_test_lazy_b', () => []), /operator _test_lazy_b registered twice/);
  assert.is(loads, 0);
  assert.is(getOp('_tla'), a);
  assert.is(loads, 1);
  assert.is(getOp('_test_lazy_b'), b);
  assert.is(loads, 1, 'one load per family');
  // A name the table lacks (a stale op-names.ts) is still found; one it lists that the family lacks is forgotten.
  assert.is(getOp('_test_lazy_extra'), extra);
  assert.not.ok(hasOp('_test_lazy_gone'));
  assert.throws(() => getOp('_test_lazy_gone', 'n1'), (e: Error) => e instanceof ArgumentError && e.message === "Error in operator n1: unknown operator '_test_lazy_gone'");
});

test('unknown operators: the same error as before, by name and through the APIs', () => {
  assert.throws(() => getOp('Convoluton'), (e: Error) => e instanceof ArgumentError && e.message === "unknown operator 'Convoluton'");
  assert.not.ok(hasOp('Convoluton'));
  assert.is((mx.nd as unknown as Record<string, unknown>).Convoluton, undefined);
});

test.run();
