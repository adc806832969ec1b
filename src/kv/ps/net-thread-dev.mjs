// Starts the kvstore network thread from the TypeScript sources (tests, a source checkout): Node 20
// does not apply --import hooks to a worker's entry, so register tsx here first.
import { register } from 'tsx/esm/api';

register();
await import('./net-thread.ts');
