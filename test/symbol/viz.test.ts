// mx.viz: print_summary table layout and parameter counts; plot_network DOT and SVG.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';

const { sym } = mx;
const pad = (s: string) => s.padEnd(120);

test('printSummary: MXNet print_summary layout and totals', () => {
  const data = sym.Variable('data');
  const fc1 = sym.FullyConnected({ data, num_hidden: 16, name: 'fc1' });
  const fl = sym.Flatten(fc1, { name: 'flat' });
  const fc2 = sym.FullyConnected({ data: fl, num_hidden: 4, name: 'fc2' });
  const lines: string[] = [];
  const text = mx.viz.printSummary(fc2, { data: [2, 8] }, { log: (l: string) => lines.push(l) });
  const row = (a: string, b: string, c: string, d: string) => pad(a.padEnd(52) + b.padEnd(24) + c.padEnd(12) + d);
  const want = [
    '_'.repeat(120), row('Layer (type)', 'Output Shape', 'Param #', 'Previous Layer'), '='.repeat(120),
    row('data(null)', '8', '0', ''), '_'.repeat(120),
    row('fc1(FullyConnected)', '16', '144', 'data'), '_'.repeat(120),
    row('flat(Flatten)', '16', '0', 'fc1'), '_'.repeat(120),
    row('fc2(FullyConnected)', '4', '68', 'flat'), '='.repeat(120),
    'Total params: 212', '_'.repeat(120),
  ];
  assert.equal(lines, want);
  assert.is(text, want.join('\n'));
});

test('printSummary counts convolution and batchnorm parameters; multiple inputs list every previous layer', () => {
  const data = sym.Variable('data');
  const c = sym.Convolution({ data, kernel: [3, 3], num_filter: 8, name: 'c1' });
  const bn = sym.BatchNorm({ data: c, name: 'bn1' });
  const sum = bn.add(c);
  const lines: string[] = [];
  mx.viz.printSummary(sum, { data: [1, 3, 10, 10] }, { log: (l: string) => lines.push(l) });
  assert.ok(lines.some((l) => l.startsWith('c1(Convolution)') && l.includes('8x8x8') && l.slice(76, 88).trim() === '224'));
  assert.ok(lines.some((l) => l.startsWith('bn1(BatchNorm)') && l.slice(76, 88).trim() === '16'));
  const i = lines.findIndex((l) => l.includes('(elemwise_add)'));
  assert.is(lines[i].slice(88).trim(), 'bn1');
  assert.is(lines[i + 1].slice(88).trim(), 'c1');
  assert.ok(lines.includes('Total params: 240'));
});

test('plotNetwork: DOT with MXNet labels, weights hidden, shape labels; a well-formed SVG', () => {
  const data = sym.Variable('data');
  const c = sym.Convolution({ data, kernel: [5, 5], num_filter: 20, name: 'conv1' });
  const a = sym.Activation({ data: c, act_type: 'relu', name: 'relu1' });
  const p = sym.Pooling({ data: a, kernel: [2, 2], stride: [2, 2], pool_type: 'max', name: 'pool1' });
  const { dot, svg } = mx.viz.plotNetwork(p, { data: [1, 1, 28, 28] });
  assert.match(dot, /"conv1" \[label="Convolution\\n5x5\/1, 20", fillcolor="#fb8072"\]/);
  assert.match(dot, /"relu1" \[label="Activation\\nrelu"/);
  assert.match(dot, /"pool1" \[label="Pooling\\nmax, 2x2\/2x2"/);
  assert.match(dot, /"relu1" -> "conv1" \[arrowtail=open, dir=back, label="20x24x24"\]/);
  assert.not.match(dot, /conv1_weight/);
  assert.ok(svg.startsWith('<svg'));
  assert.ok(svg.endsWith('</svg>'));
  assert.is((svg.match(/<rect/g) ?? []).length, 4);
  assert.is((svg.match(/<line/g) ?? []).length, 3);
});

test.run();
