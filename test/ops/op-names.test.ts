// Lazy op registration (src/ops/registry.ts declareFamily, src/ops/op-names.ts): every op name and alias is known at
// import, a family's definitions are registered on the first look-up of one of its ops, and listing ops, unknown-op
// errors and duplicate names behave as when every op was registered at import.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import '../../src/index.js';
import { FAMILIES } from '../../src/ops/index.js';
import { getOp, hasOp, listOpNames } from '../../src/ops/registry.js';
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

// In a child process: the test ops must not stay in this process's registry (test/types.test.ts lists it).
const CHILD = `
import { declareFamily, getOp, hasOp, listOpNames, registerOp } from ${JSON.stringify(new URL('../../src/ops/registry.ts', import.meta.url).href)};
const def = (name, aliases) => ({ name, aliases, attrs: {}, inputs: () => ['data'], inferShape: (_a, ins) => ({ ins, outs: [ins[0]] }), forward: () => () => {} });
const err = (f) => { try { f(); return 'no error'; } catch (e) { return e.constructor.name + ': ' + e.message; } };
let loads = 0;
const a = def('_test_lazy_a', ['_tla']), b = def('_test_lazy_b'), extra = def('_test_lazy_extra');
declareFamily('_test_lazy_a _tla=_test_lazy_a _test_lazy_b _test_lazy_gone', () => { loads++; return [a, b, extra]; });
const r = { known: hasOp('_tla') && hasOp('_test_lazy_b'), listed: listOpNames().get('_tla'), loadsBefore: loads };
// Declared names are taken: registering one again throws, as it did when everything registered at import.
r.again = err(() => registerOp(def('_tla')));
r.declareAgain = err(() => declareFamily('_test_lazy_b', () => []));
r.loadsAfterErrors = loads;
r.a = getOp('_tla') === a; r.loadsA = loads;
r.b = getOp('_test_lazy_b') === b; r.loadsB = loads;
// A name the table lacks (a stale op-names.ts) is still found; one it lists that the family lacks is forgotten.
r.extra = getOp('_test_lazy_extra') === extra;
r.gone = hasOp('_test_lazy_gone');
r.goneErr = err(() => getOp('_test_lazy_gone', 'n1'));
console.log(JSON.stringify(r));
`;

test('a declared family is registered once, on first look-up; names, aliases and errors are known before', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  assert.equal(r, {
    known: true, listed: '_test_lazy_a', loadsBefore: 0,
    again: 'ArgumentError: operator _tla registered twice', declareAgain: 'ArgumentError: operator _test_lazy_b registered twice', loadsAfterErrors: 0,
    a: true, loadsA: 1, b: true, loadsB: 1, extra: true, gone: false,
    goneErr: "ArgumentError: Error in operator n1: unknown operator '_test_lazy_gone' (did you mean '_test_lazy_a'?)",
  });
});

test('unknown operators: an ArgumentError with the closest name, by name and through the APIs (test/executor/first-hour.test.ts)', () => {
  assert.throws(() => getOp('Convoluton'), (e: Error) => e instanceof ArgumentError && e.message === "unknown operator 'Convoluton' (did you mean 'Convolution'?)");
  assert.not.ok(hasOp('Convoluton'));
  assert.throws(() => (mx.nd as unknown as Record<string, unknown>).Convoluton, (e: Error) => e instanceof ArgumentError && /mx\.nd has no operator 'Convoluton'/.test(e.message));
});

test.run();
