// The training page as a user meets it: Train starts mod.fitAsync, the loss/accuracy curves are redrawn after
// every epoch WHILE training runs (the page keeps painting frames), and the MLP learns the spirals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { launch, noBrowser, openPage, outDir } from './browser.js';

const env = await launch();

test('browser: the training page draws loss and accuracy per epoch while fitAsync runs', async () => {
  if (!env) return noBrowser();
  const { page, errors } = await openPage(env, '/web/train.html?epochs=12');
  await page.waitForFunction(() => (window as any).trainReady, null, { timeout: 20_000 });
  await page.click('#train');
  // Mid-training: a curve is on the page and training has not finished.
  await page.waitForFunction(() => (window as any).trainState?.draws?.length >= 2, null, { timeout: 60_000 });
  const mid = await page.evaluate(() => ({
    running: (window as any).trainState.running,
    lines: document.querySelectorAll('#curves svg polyline').length,
    text: document.querySelector('#curves svg')?.textContent ?? '',
  }));
  assert.ok(mid.running || mid.lines > 0, 'curves drawn');
  assert.ok(mid.lines >= 4, `train and validation loss and accuracy: ${mid.lines} lines`);
  assert.match(mid.text, /validation-accuracy/); assert.match(mid.text, /train-cross-entropy/);
  await page.waitForFunction(() => (window as any).trainState && !(window as any).trainState.running, null, { timeout: 120_000 });
  const s = await page.evaluate(() => (window as any).trainState);
  assert.is(s.error, undefined);
  assert.is(s.history.length, 12);
  assert.equal(s.draws.map((d: any) => d.epoch), Array.from({ length: 12 }, (_, i) => i + 1), 'one redraw per epoch');
  assert.ok(s.draws[0].at < s.endedAt && s.draws[10].at < s.endedAt, 'drawn while running');
  // fitAsync yields between batches: the page paints frames after the first curve, before training ends.
  assert.ok(s.frames.some((t: number) => t > s.draws[0].at && t < s.endedAt), `a frame painted while training (${s.frames.length} frames)`);
  const loss = s.history.map((h: any) => h.values['train-cross-entropy']);
  assert.ok(loss[11] < loss[0], `loss falls: ${loss}`);
  assert.ok(s.accuracy > 0.6, `validation accuracy ${s.accuracy}`);
  await page.screenshot({ path: `${outDir}/train.png`, fullPage: true });
  assert.equal(errors, []);
  await page.close();
});

test.after(async () => { await env?.close(); });
test.run();
