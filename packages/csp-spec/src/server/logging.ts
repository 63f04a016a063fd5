// Logger settings shared by every CSP. Secrets are removed by key before a line is written, as a
// second line of defence: the kit and providers never pass credentials to the logger on purpose.
import { createRequire } from 'node:module';
import type * as Pino from 'pino';
import type { Logger, LoggerOptions } from 'pino';
import { scrubbingFormatter } from '../scrub.js';

// CommonJS, loaded with require (see ../runtime.ts).
const { pino } = createRequire(import.meta.url)('pino') as typeof Pino;

/** Field names that hold secrets anywhere in a logged object (matched at up to three levels). */
export const secretKeys = [
  'password',
  'passwd',
  'chap_password',
  'chapPassword',
  'chap_secret',
  'chap_mutual_password',
  'dhchap_key',
  'dhchap_ctrl_key',
  'dhchapKey',
  'dhchapCtrlKey',
  'secret',
  'peersecret',
  'api_key',
  'apiKey',
  'session_token',
  'token',
  'sid',
  'synotoken',
  'x-auth-token',
  'authorization',
  'cookie',
] as const;

export function loggerOptions(level: string = process.env.LOG_LEVEL ?? 'info'): LoggerOptions {
  return {
    level,
    formatters: { log: scrubbingFormatter(secretKeys) },
    base: { pid: process.pid },
  };
}

export function createLogger(name: string, level?: string, destination?: NodeJS.WritableStream): Logger {
  const options = { ...loggerOptions(level), name };
  return destination ? pino(options, destination) : pino(options);
}
