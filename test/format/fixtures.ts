// Real MXNet files from /work/shared/fixtures/mxnet (never copied into the repo). Tests skip with a
// message where the folder is absent.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The fixtures folder (../shared/fixtures/mxnet beside the repository). */
export const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/mxnet/', import.meta.url));
export const haveFixtures = existsSync(FIXTURES);

/** Absolute path of a fixture file. */
export const fixture = (rel: string): string => FIXTURES + rel;
/** Bytes of a fixture file. */
export const fixtureBytes = (rel: string): Uint8Array => new Uint8Array(readFileSync(fixture(rel)));
/** Text of a fixture file. */
export const fixtureText = (rel: string): string => readFileSync(fixture(rel), 'utf8');

export { skip } from '../skip.js';
