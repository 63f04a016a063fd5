// `blockdev`: device size in bytes and buffer flushes before a device goes away.
import { type Runner, runChecked } from './runner.js';

export function parseSize64(stdout: string): number {
  const value = Number(stdout.trim());
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`unexpected blockdev --getsize64 output: ${JSON.stringify(stdout.trim())}`);
  }
  return value;
}

export async function deviceSize(runner: Runner, device: string): Promise<number> {
  const result = await runChecked(runner, 'blockdev', ['--getsize64', device], {
    context: `reading the size of ${device}`,
  });
  return parseSize64(result.stdout);
}

export async function flushBuffers(runner: Runner, device: string): Promise<void> {
  await runChecked(runner, 'blockdev', ['--flushbufs', device], { context: `flushing ${device}` });
}
