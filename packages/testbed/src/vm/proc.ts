// Runs the host commands of the VM suite (apt-get, debootstrap, mkfs, umount) in their own
// process group, so a cleanup can stop a command and everything it started.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
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
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      detached: true,
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

/** Sends SIGTERM, then SIGKILL after `graceMs`, to a whole process group. */
export async function killGroup(pid: number | undefined, graceMs = 3000): Promise<void> {
  if (pid === undefined || !alive(-pid)) {
    return;
  }
  process.kill(-pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive(-pid)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (alive(-pid)) {
    process.kill(-pid, 'SIGKILL');
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
