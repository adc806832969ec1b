// The transport seam of the distributed KVStore: ps-lite's van reduced to what the protocol needs.
// A node `listen`s (a ZeroMQ ROUTER: receives [peer, ...parts], answers by peer id) and `dial`s
// others (a DEALER with a fixed routing id). Messages are multipart, delivered whole, in order per
// link. `zmqTransport` is the one implementation; zeromq is imported lazily (Node only), so the
// browser/edge bundles never see it. A WebSocket transport only has to provide these four calls.
import { MxError } from '../../errors.js';

/** One frame of a multipart message. */
export type Part = Uint8Array<ArrayBufferLike>;

/** The bound side: many peers, addressed by the id they dialled with. */
export interface Listener {
  /** `tcp://host:port` others dial. */
  readonly address: string;
  /** Next message: the sender's id and its parts; rejects once closed. */
  receive(): Promise<[peer: string, parts: Part[]]>;
  /** Sends to a peer by id (fails if the peer is unknown or gone). */
  send(peer: string, parts: Part[]): Promise<void>;
  close(): void;
}

/** The dialling side: one peer. */
export interface Link {
  send(parts: Part[]): Promise<void>;
  receive(): Promise<Part[]>;
  close(): void;
}

export interface Transport {
  /** Binds `host` on `port` (0: any free port). `maxMessage`: bytes; larger messages drop the peer. */
  listen(host: string, port: number, maxMessage: number): Promise<Listener>;
  /** Connects in the background (retrying) to `address` under routing id `id`. */
  dial(address: string, id: string, maxMessage: number): Promise<Link>;
}

type Zmq = typeof import('zeromq');
let zmqModule: Promise<Zmq> | undefined;
async function loadZmq(): Promise<Zmq> {
  zmqModule ??= import('zeromq').catch((e) => {
    throw new MxError('unsupported', `the distributed KVStore needs the 'zeromq' package (npm install zeromq): ${(e as Error).message}`);
  });
  return zmqModule;
}

// zeromq allows one blocked send per socket at a time: sends are chained.
function serial(): <T>(f: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(f: () => Promise<T>) => { const r = tail.then(f, f); tail = r.catch(() => undefined); return r; };
}

/**
 * ZeroMQ ROUTER/DEALER over TCP (ps-lite's ZMQVan). Buffers > 128 bytes go out zero-copy: callers
 * keep the bytes unchanged until the peer answered.
 * @example const t = zmqTransport(); const l = await t.listen('127.0.0.1', 0, 1 << 30);
 */
export function zmqTransport(): Transport {
  return {
    async listen(host, port, maxMessage) {
      const zmq = await loadZmq();
      zmq.context.blocky = false;
      const s = new zmq.Router({ linger: 0, mandatory: true, maxMessageSize: maxMessage, sendHighWaterMark: 0, receiveHighWaterMark: 0 });
      await s.bind(`tcp://${host}:${port || '*'}`);
      const q = serial();
      return {
        address: s.lastEndpoint!,
        async receive() { const [id, ...parts] = await s.receive(); return [id.toString('latin1'), parts as unknown as Part[]]; },
        send: (peer, parts) => q(() => s.send([Buffer.from(peer, 'latin1'), ...parts])),
        close: () => s.close(),
      };
    },
    async dial(address, id, maxMessage) {
      const zmq = await loadZmq();
      zmq.context.blocky = false;
      const s = new zmq.Dealer({ routingId: id, linger: 0, maxMessageSize: maxMessage, sendHighWaterMark: 0, receiveHighWaterMark: 0 });
      s.connect(address);
      const q = serial();
      return { send: (parts) => q(() => s.send(parts)), receive: async () => (await s.receive()) as unknown as Part[], close: () => s.close() };
    },
  };
}
