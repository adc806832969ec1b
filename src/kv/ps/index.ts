// The distributed KVStore (Node only): imported by the Node entry, never by the browser/edge ones.
export { DistKVStore } from './client.js';
export { runRole } from './role.js';
export { ProtocolError, KVTimeoutError, readEnv } from './protocol.js';
export { zmqTransport, type Transport, type Listener, type Link, type Part } from './transport.js';
export { shard } from './sharding.js';
export { quantize2bit, dequantize2bit } from './compression.js';
