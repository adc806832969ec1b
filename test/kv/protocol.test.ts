// The distributed KVStore's pieces in one process: wire checks, MXNet's key sharding and 2-bit
// compression formulas, the optimizer as data, launch's argument parsing, and a live scheduler
// rejecting malformed messages while it keeps serving.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';
import { decode, encode, field, floats, readEnv, ProtocolError, MAX_META } from '../../src/kv/ps/protocol.js';
import { shard } from '../../src/kv/ps/sharding.js';
import { quantize2bit, dequantize2bit, compressedBytes } from '../../src/kv/ps/compression.js';
import { toSpec, fromSpec } from '../../src/kv/ps/optspec.js';
import { runScheduler } from '../../src/kv/ps/scheduler.js';
import { zmqTransport } from '../../src/kv/ps/transport.js';
import { parseLaunchArgs } from '../../src/cli/launch.js';

const bytes = (s: string) => new TextEncoder().encode(s);

test('decode rejects empty, non-JSON, non-object, oversized meta; fields and data sizes are checked', () => {
  assert.throws(() => decode([]), /empty message/);
  assert.throws(() => decode([bytes('{oops')]), (e: Error) => e instanceof ProtocolError && /not JSON/.test(e.message));
  assert.throws(() => decode([bytes('[1,2]')]), /not an object with a command/);
  assert.throws(() => decode([bytes('{"c":3}')]), /not an object with a command/);
  assert.throws(() => decode([new Uint8Array(MAX_META + 1)]), /meta part of/);
  assert.throws(() => decode([new Uint8Array([0xff, 0xfe])]), /not JSON/);
  const { meta, data } = decode(encode({ c: 'push', k: 3, n: 2 }, new Uint8Array(8)));
  assert.is(field(meta, 'k'), 3);
  assert.throws(() => field({ c: 'x', k: -1 }, 'k'), /field k=-1/);
  assert.throws(() => field({ c: 'x', k: 1.5 }, 'k'), /field k=1.5/);
  assert.throws(() => field({ c: 'x', k: '3' }, 'k'), /field k="3"/);
  assert.throws(() => field({ c: 'x', n: 10 }, 'n', 5), /\[0, 5\]/);
  assert.is(floats(meta, data, 0, 2).length, 2);
  assert.throws(() => floats(meta, data, 0, 3), /8 bytes for 3 float32/);
  assert.throws(() => floats(meta, data, 1, 2), /data part 1 missing/);
  // A misaligned part is copied, not viewed.
  const odd = new Uint8Array(9).subarray(1);
  assert.is(floats(meta, [odd], 0, 2).length, 2);
});

test('readEnv: DMLC_* variables, defaults, and clear errors', () => {
  const e = readEnv({ DMLC_ROLE: 'server', DMLC_PS_ROOT_URI: '127.0.0.1', DMLC_PS_ROOT_PORT: '9091', DMLC_NUM_WORKER: '2', DMLC_NUM_SERVER: '1' });
  assert.is(e.timeoutMs, 60000);
  assert.is(e.joinMs, 180000);
  assert.is(e.bigArrayBound, 1000000);
  assert.is(e.host, '127.0.0.1');
  assert.throws(() => readEnv({ DMLC_PS_ROOT_URI: 'h', DMLC_PS_ROOT_PORT: '1', DMLC_NUM_WORKER: '2' }), /DMLC_NUM_SERVER is not set/);
  assert.throws(() => readEnv({ DMLC_ROLE: 'boss', DMLC_PS_ROOT_URI: 'h' }), /DMLC_ROLE=boss/);
  assert.throws(() => readEnv({ DMLC_PS_ROOT_URI: 'h', DMLC_PS_ROOT_PORT: 'x', DMLC_NUM_WORKER: '1', DMLC_NUM_SERVER: '1' }), /DMLC_PS_ROOT_PORT=x/);
  assert.throws(() => readEnv({ DMLC_PS_ROOT_URI: 'h', DMLC_PS_ROOT_PORT: '1', DMLC_NUM_WORKER: '1', DMLC_NUM_SERVER: '1', MXWASM_KV_TIMEOUT: '0' }), /MXWASM_KV_TIMEOUT/);
});

test("shard: MXNet's (key*9973) % S for small arrays, round(n/S*i) slices over all servers for big ones", () => {
  assert.equal(shard(5, 10, 3, 1e6), [{ server: (5 * 9973) % 3, part: 0, begin: 0, end: 10 }]);
  const s = shard(1, 10, 3, 10);
  assert.equal(s.map((x) => [x.server, x.begin, x.end]), [[0, 0, 3], [1, 3, 7], [2, 7, 10]]);
  assert.equal(shard(1, 100, 1, 10).length, 1);
});

test('2-bit compression: MXNet quantize_2bit/dequantize_2bit bit layout and residuals', () => {
  const g = new Float32Array([0.6, -0.7, 0.2, 0, 0.3, -0.5, 1.2, -0.1, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.9]);
  const r = new Float32Array(g.length), q = new Uint8Array(compressedBytes(g.length));
  assert.is(q.length, 8);
  quantize2bit(g, r, q, 0.5);
  // byte 0: values 0..3 = 11 10 00 00; byte 1: values 4..7 = 00 10 11 00; byte 3: value 15 = 11; byte 4: value 16 = 11
  assert.equal([...q], [0xe0, 0x2c, 0x00, 0x03, 0xc0, 0, 0, 0]);
  const f = (x: number) => Math.fround(x);
  assert.equal([...r.slice(0, 8)], [f(f(0.6) - 0.5), f(f(-0.7) + 0.5), f(0.2), 0, f(0.3), 0, f(f(1.2) - 0.5), f(-0.1)]);
  const out = new Float32Array(g.length);
  dequantize2bit(q, out, 0.5);
  assert.equal([...out], [0.5, -0.5, 0, 0, 0, -0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5]);
  // The residual carries over: 0.2 + 0.4 crosses the threshold on the next push.
  g.fill(0); g[2] = 0.4;
  quantize2bit(g, r, q, 0.5);
  assert.is(q[0] & 0x0c, 0x0c);
  assert.ok(Math.abs(r[2] - 0.1) < 1e-6);
});

test('optimizer as data: the server re-creates the same hyper-parameters, lr scheduler included', () => {
  const opt = mx.optimizer.create('sgd', { learning_rate: 0.3, momentum: 0.9, wd: 1e-4, rescale_grad: 0.125, lr_scheduler: new mx.lrScheduler.FactorScheduler({ step: 2, factor: 0.5 }) });
  const back = fromSpec(JSON.parse(JSON.stringify(toSpec(opt)))) as typeof opt & { momentum: number };
  assert.is(back.constructor, opt.constructor);
  assert.is(back.momentum, 0.9);
  assert.is(back.rescaleGrad, 0.125);
  assert.is(back.lrScheduler!.constructor, opt.lrScheduler!.constructor);
  const adam = fromSpec(toSpec(mx.optimizer.create('adam', { beta1: 0.8 }))) as unknown as { beta1: number };
  assert.is(adam.beta1, 0.8);
  assert.throws(() => fromSpec({ name: 'nope', fields: {} }), /Cannot find optimizer/);
  assert.throws(() => toSpec(mx.optimizer.create('sgd', { lr_scheduler: (n: number) => 1 / (n + 1) })), /custom lr scheduler/);
});

test('launch arguments: strict parsing (the shared CLI parser)', () => {
  const o = parseLaunchArgs(['-n', '2', '--env', 'A=1', '--env', 'B=x=y', '--', 'node', 'x.mjs', '--epochs', '1']);
  assert.equal([o.workers, o.servers, o.launcher, o.env, o.command], [2, 2, 'local', { A: '1', B: 'x=y' }, ['node', 'x.mjs', '--epochs', '1']]);
  assert.equal(parseLaunchArgs(['-n', '3', '-s', '1', '--timeout', '5', '--', 'x']).servers, 1);
  assert.throws(() => parseLaunchArgs(['--', 'node']), /-n <workers> is required/);
  assert.throws(() => parseLaunchArgs(['-n', '0', '--', 'node']), /integer >= 1/);
  assert.throws(() => parseLaunchArgs(['-n', '2']), /expects <command...>/);
  assert.throws(() => parseLaunchArgs(['-n', '2', '--bogus', '--', 'x']), /unknown option --bogus/);
  assert.throws(() => parseLaunchArgs(['-n', '2', 'node', 'x.mjs', '--epochs', '1']), /unknown option --epochs/);
  assert.throws(() => parseLaunchArgs(['-n', '2', '--launcher', 'yarn', '--', 'x']), /only local, ssh and mpi/);
  assert.throws(() => parseLaunchArgs(['-n', '2', '--launcher', 'ssh', '--', 'x']), /needs -H/);
  assert.throws(() => parseLaunchArgs(['-n', '2', '--env', 'NOEQ', '--', 'x']), /NAME=VALUE/);
  assert.throws(() => parseLaunchArgs(['-n', '2', '--timeout', '0', '--', 'x']), /--timeout must be a number > 0/);
});

test('a live scheduler answers malformed messages with errors and keeps serving; an absent node aborts the job in time', async () => {
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); }); });
  const env = readEnv({ DMLC_ROLE: 'scheduler', DMLC_PS_ROOT_URI: '127.0.0.1', DMLC_PS_ROOT_PORT: String(port), DMLC_NUM_WORKER: '1', DMLC_NUM_SERVER: '1', MXWASM_KV_TIMEOUT: '5', MXWASM_KV_JOIN_TIMEOUT: '1.5' });
  const logs: string[] = [];
  const t0 = Date.now();
  const done = runScheduler(env, zmqTransport(), (s) => logs.push(s));
  const link = await zmqTransport().dial(`tcp://127.0.0.1:${port}`, 'probe', 1 << 20);
  const ask = async (parts: Uint8Array[]) => { await link.send(parts); return decode(await link.receive()).meta; };
  assert.is((await ask([bytes('not json')])).c, 'err');
  assert.is((await ask(encode({ c: 'launch-missiles', id: 1 }))).c, 'err');
  assert.match(String((await ask(encode({ c: 'hello', id: 2, role: 'king', addr: '' }))).msg), /role king/);
  assert.match(String((await ask(encode({ c: 'barrier', id: 3 }))).msg), /not a joined worker/);
  assert.is((await ask(encode({ c: 'hb' }))).c, 'hb'); // still serving
  // Only one of the two nodes ever joins: the scheduler aborts after its timeout instead of waiting forever.
  await link.send(encode({ c: 'hello', id: 4, role: 'worker', addr: '', task: 0 }));
  const code = await done;
  link.close();
  assert.is(code, 1);
  assert.ok(Date.now() - t0 < 10000);
  assert.ok(logs.some((l) => /only 1 of 1 workers and 0 of 1 servers joined/.test(l)), logs.join('\n'));
});

test.run();
