// The scheduler (ps-lite's scheduler node): rendezvous, worker barriers, liveness. It waits for
// S servers and W workers to say hello, ranks servers by address and workers by DMLC_TASK_ID (then
// address), sends everyone the server list, and answers barriers when all workers entered. Every
// node heartbeats; one silent for the timeout (killed, hung, unreachable) aborts the whole job with
// a message naming it, so no process waits forever.
import { MxError } from '../../errors.js';
import { decode, encode, field, text, type DistEnv, type Meta } from './protocol.js';
import type { Transport } from './transport.js';
import { joinWindow } from './control.js';

interface Node { peer: string; role: 'worker' | 'server'; addr: string; task: number; helloId: number; rank: number; lastSeen: number; gone: boolean }

/** Runs until rank 0 stops the job (resolves 0) or the job is aborted (resolves 1). */
export async function runScheduler(env: DistEnv, transport: Transport, log: (s: string) => void): Promise<number> {
  const l = await transport.listen(env.host, env.rootPort, Math.min(env.maxMessage, 1 << 20));
  const nodes = new Map<string, Node>();
  let joined = false, barrier: [string, number][] = [];
  const started = Date.now();
  const send = (peer: string, m: Meta): void => { void l.send(peer, encode(m)).catch(() => undefined); };
  const name = (n: Node): string => (joined ? `${n.role} rank ${n.rank}` : `${n.role} ${n.addr || n.peer}`);
  let done: (code: number) => void;
  const finished = new Promise<number>((r) => { done = r; });
  const abort = (msg: string): void => {
    log(`scheduler: aborting the job: ${msg}`);
    for (const n of nodes.values()) if (!n.gone) send(n.peer, { c: 'abort', msg });
    setTimeout(() => done(1), 200);
  };
  const watch = setInterval(() => {
    const now = Date.now();
    if (!joined && now - started > joinWindow(env)) {
      const w = [...nodes.values()].filter((n) => n.role === 'worker').length, s = nodes.size - w;
      abort(`only ${w} of ${env.numWorkers} workers and ${s} of ${env.numServers} servers joined within ${joinWindow(env)} ms`);
      clearInterval(watch);
      return;
    }
    for (const n of nodes.values()) {
      if (!n.gone && now - n.lastSeen > env.timeoutMs) {
        abort(`${name(n)} has sent nothing for ${env.timeoutMs} ms (dead or hung)`);
        clearInterval(watch);
        return;
      }
    }
  }, Math.max(50, Math.min(env.timeoutMs / 4, 1000)));
  const welcome = (): void => {
    const list = [...nodes.values()];
    const servers = list.filter((n) => n.role === 'server').sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
    const workers = list.filter((n) => n.role === 'worker').sort((a, b) => a.task - b.task || (a.peer < b.peer ? -1 : 1));
    servers.forEach((n, i) => { n.rank = i; });
    workers.forEach((n, i) => { n.rank = i; });
    joined = true;
    const addrs = servers.map((n) => n.addr);
    for (const n of list) send(n.peer, { c: 'welcome', id: n.helloId, rank: n.rank, servers: addrs, numWorkers: env.numWorkers, numServers: env.numServers });
  };
  void (async () => {
    for (;;) {
      let peer: string, parts;
      try { [peer, parts] = await l.receive(); } catch { return; }
      let meta: Meta;
      try {
        meta = decode(parts).meta;
        const n = nodes.get(peer);
        if (n) n.lastSeen = Date.now();
        switch (meta.c) {
          case 'hb': send(peer, { c: 'hb' }); break;
          case 'hello': {
            const role = text(meta, 'role', 16);
            if (role !== 'worker' && role !== 'server') throw new MxError('protocol', `hello from role ${role}`);
            if (joined || n) throw new MxError('protocol', `hello from ${peer} after the job started (restarts are not supported)`);
            const count = [...nodes.values()].filter((x) => x.role === role).length;
            if (count >= (role === 'worker' ? env.numWorkers : env.numServers))
              throw new MxError('protocol', `one ${role} too many (DMLC_NUM_${role.toUpperCase()}=${role === 'worker' ? env.numWorkers : env.numServers})`);
            nodes.set(peer, { peer, role, addr: text(meta, 'addr', 512), task: typeof meta.task === 'number' ? meta.task : -1, helloId: field(meta, 'id'), rank: -1, lastSeen: Date.now(),
              gone: false });
            if (nodes.size === env.numWorkers + env.numServers) welcome();
            break;
          }
          case 'barrier': {
            if (!n || n.role !== 'worker' || !joined) throw new MxError('protocol', 'barrier from a node that is not a joined worker');
            barrier.push([peer, field(meta, 'id')]);
            if (barrier.length === env.numWorkers) { for (const [p, id] of barrier) send(p, { c: 'ok', id }); barrier = []; }
            break;
          }
          case 'bye': if (n) n.gone = true; send(peer, { c: 'ok', id: field(meta, 'id') }); break;
          case 'stop': if (n) n.gone = true; send(peer, { c: 'ok', id: field(meta, 'id') }); clearInterval(watch); setTimeout(() => done(0), 50); break;
          default: throw new MxError('protocol', `unknown command '${meta.c}'`);
        }
      } catch (e) {
        log(`scheduler: rejected a message from ${JSON.stringify(peer)}: ${(e as Error).message}`);
        const id = (() => { try { return (decode(parts).meta.id as number) ?? -1; } catch { return -1; } })();
        send(peer, { c: 'err', id, msg: (e as Error).message });
      }
    }
  })();
  const code = await finished;
  clearInterval(watch);
  l.close();
  return code;
}
