// mx.kv.
export { create, LocalKVStore, type KVStore, type KVUpdater, type Key } from './kvstore.js';
