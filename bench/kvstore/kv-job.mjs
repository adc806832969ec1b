// Runs inside a `launch` job (1 worker): push+pull of 1, 4 and 16 MB keys through the parameter
// server, interleaved with a plain loopback TCP round trip of the same bytes to an echo process
// (what the kvstore moves: the bytes out and back). Prints `RESULT <json>` (medians, GB/s both ways).
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import * as mx from '../../dist/node/index.js';

const rounds = Number(process.env.ROUNDS ?? 9), sizes = [1, 4, 16];
const kv = mx.kv.create('dist_sync');
const arrays = sizes.map((mb, i) => { const a = mx.nd.array(new Float32Array((mb << 20) / 4).fill(1)); kv.init(i, a); return a; });

// The echo server: another process, as the kv server is.
const echo = spawn(process.execPath, ['-e', `const s=require('net').createServer(c=>c.pipe(c)).listen(0,'127.0.0.1',()=>console.log(s.address().port))`], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((r) => echo.stdout.once('data', (d) => r(Number(String(d)))));
const sock = await new Promise((r) => { const c = connect(port, '127.0.0.1', () => r(c)); });
sock.setNoDelay(true);
async function tcpRoundTrip(buf) {
  const t0 = performance.now();
  let got = 0;
  const done = new Promise((r) => { const on = (d) => { got += d.length; if (got >= buf.length) { sock.off('data', on); r(); } }; sock.on('data', on); });
  sock.write(buf);
  await done;
  return performance.now() - t0;
}
const kvRoundTrip = (i) => { const t0 = performance.now(); kv.push(i, arrays[i]); kv.pull(i, arrays[i]); return performance.now() - t0; };

const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const out = {};
for (let i = 0; i < sizes.length; i++) {
  const bytes = sizes[i] << 20, buf = Buffer.alloc(bytes, 1), kvT = [], tcpT = [];
  kvRoundTrip(i); await tcpRoundTrip(buf); // warm-up
  for (let r = 0; r < rounds; r++) { kvT.push(kvRoundTrip(i)); tcpT.push(await tcpRoundTrip(buf)); }
  const gbs = (ms) => (2 * bytes) / (ms / 1000) / 1e9;
  out[`${sizes[i]}MB`] = { kvMs: med(kvT), tcpMs: med(tcpT), kvGBs: gbs(med(kvT)), tcpGBs: gbs(med(tcpT)), ratio: med(tcpT) / med(kvT) };
}
console.log('RESULT ' + JSON.stringify(out));
sock.destroy(); echo.kill();
kv.close();
