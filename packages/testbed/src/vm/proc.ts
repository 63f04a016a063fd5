// Runs the host commands of the VM suite (apt-get, debootstrap, mkfs, umount) in their own
// process group, so a cleanup can stop a command and everything it started (launch/spawn.ts: they
// also die with the runner when it is SIGKILLed).
import { createWriteStream } from 'node:fs';
import { killGroup, spawnTied } from '../launch/spawn.js';
import type { Cleanup } from './cleanup.js';

export interface CommandOptions {
  /** Output goes to this file (appended); otherwise the last lines are kept for the error. */
  logFile?: string;
  env?: NodeJS.ProcessEnv;
  cleanup?: Cleanup;
}

export class CommandError extends Error {
  constructor(
    message: string,
    readonly tail: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Runs `command args`; resolves on exit 0, rejects with a CommandError carrying the output's tail. */
export function runCommand(command: string, args: string[], options: CommandOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnTied(command, args, {
      env: options.env ?? process.env,
    });
    const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
    let tail = '';
    const keep = (chunk: Buffer) => {
      log?.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const drop = options.cleanup?.add(`stop ${command}`, () => killGroup(child.pid));
    child.on('error', (error) => {
      drop?.();
      log?.end();
      reject(new CommandError(`${command}: ${error.message}`, tail));
    });
    child.on('close', (code, signal) => {
      drop?.();
      log?.end();
      if (code === 0) {
        resolve();
      } else {
        reject(new CommandError(`${command} ${args[0] ?? ''} failed (${signal ?? `exit ${code}`})`, tail));
      }
    });
  });
}
