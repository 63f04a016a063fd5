// The driver's pino logger. Secrets are removed at the source (grpc/redact.ts); the redaction
// paths here are a second line of defence for anything logged by hand.
import { type Logger, pino } from 'pino';

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
  const paths = secretFields.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
  const options = { name: 'csi-driver', level, redact: { paths, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
