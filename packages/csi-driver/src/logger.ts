// The driver's pino logger. Secrets are removed at the source (grpc/redact.ts); scrubbing secret
// keys here is a second line of defence for anything logged by hand.
import { createRequire } from 'node:module';
import { scrubbingFormatter } from '@opencsp/csp-spec/scrub';
import type * as Pino from 'pino';
import type { Logger } from 'pino';

// CommonJS, loaded with require (see @opencsp/csp-spec/runtime).
const { pino } = createRequire(import.meta.url)('pino') as typeof Pino;

const secretFields = [
  'password',
  'chapPassword',
  'chapMutualPassword',
  'chap_password',
  'chap_mutual_password',
  'secrets',
  'mountFlags',
  'token',
  'session_token',
  'x-auth-token',
];

export function createDriverLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { name: 'csi-driver', level, formatters: { log: scrubbingFormatter(secretFields) } };
  return destination ? pino(options, destination) : pino(options);
}
