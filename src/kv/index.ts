// mx.kv.
export { create, setDistFactory, LocalKVStore, type KVStore, type KVUpdater, type Key } from './kvstore.js';
