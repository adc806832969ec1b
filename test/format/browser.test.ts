// Model files in a real browser (the browser bundle: no Node fs): Predictor.loadAsync from a
// Response and bytes, mx.nd.load of a deflated .npz, checkpoint from bytes; same numbers as Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import { zipSync } from 'fflate';
import { writeNpy } from '../../src/format/npy.js';
import { haveFixtures, fixtureBytes, fixtureText, skip } from './fixtures.js';
import { launch, noBrowser, openPage } from '../browser/browser.js';

const env = haveFixtures ? await launch() : undefined;

test('browser: Predictor.loadAsync, nd.load(.npz deflated), loadCheckpointFromBytes give Node\'s numbers', async () => {
  if (!env) return haveFixtures ? noBrowser() : skip('browser model-file test (no ../shared/fixtures/mxnet)');
  const { page, errors } = await openPage(env, `/web/index.html`);
  await page.waitForFunction(() => (window as any).smokeResult, null, { timeout: 30_000 });
  const symbol = fixtureText('fcrc-demo/lenet-symbol.json'), params = Array.from(fixtureBytes('fcrc-demo/lenet-0001.params'));
  const x = Array.from(randArray(784, 9, 0, 1));
  const npz = Array.from(zipSync({ 'w.npy': writeNpy([2, 3], 0, new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer)) }));
  const r = await page.evaluate(async ({ symbol, params, x, npz }) => {
    const url = '/dist/browser/index.js';
    const mx: any = await import(url);
    const p = await mx.Predictor.loadAsync({ symbol: new Response(symbol), params: new Uint8Array(params).buffer, inputShapes: { data: [1, 1, 28, 28] } });
    const out = Array.from(p.forward(new Float32Array(x))[0].data as Float32Array);
    p.dispose();
    const w = (mx.nd.load(new Uint8Array(npz)) as any).w.toArray();
    const ck = mx.model.loadCheckpointFromBytes(symbol, new Uint8Array(params));
    let pathError = '';
    try { mx.nd.load('lenet-0001.params'); } catch (e: any) { pathError = `${e.name}: ${e.message}`; }
    return { out, w, args: Object.keys(ck.argParams), pathError };
  }, { symbol, params, x, npz });
  const p = mx.Predictor.load({ symbol, params: new Uint8Array(params), inputShapes: { data: [1, 1, 28, 28] } });
  assertClose(r.out, p.forward(x)[0].data, 1e-5, 1e-6);
  p.dispose();
  assert.equal(r.w, [[1, 2, 3], [4, 5, 6]]);
  assert.is(r.args.length, 8);
  assert.match(r.pathError, /^MxError: .*file paths need Node/, r.pathError);
  assert.equal(errors, []);
  await page.close();
});

test.after(async () => { await env?.close(); });
test.run();
