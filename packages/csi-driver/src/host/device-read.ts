// Proof that a device can be read, asked before a blank probe is trusted: blkid -p exits 2 both
// when a readable device holds nothing and when it could not read it (missing node, I/O errors on a
// multipath map with failing paths). The reads are `dd` processes through the runner rather than
// reads in this process: a read on a map that queues I/O blocks in the kernel, and a child process
// is bounded by the runner's timeout where an in-process read would pin a libuv thread for good.
// They use direct I/O (O_DIRECT): while anything holds the device open its page cache survives, so
// a buffered read can answer from pages read before the paths failed. A device that refuses
// O_DIRECT (EINVAL) is read buffered instead, and a debug line says so.
import { unavailable } from '../errors.js';
import { deviceSize } from './blockdev.js';
import type { CommandLogger, Runner, RunResult } from './runner.js';

/** Bytes read at each end of the device (covers every signature blkid looks for at either end). */
export const edgeBytes = 64 * 1024;

/**
 * dd's arguments for one read of `edgeBytes` at `offset`. O_DIRECT wants offsets aligned to the
 * logical block size: 0 and size - 64 KiB are (the size and 64 KiB are multiples of it).
 */
export function ddArgs(device: string, offset: number, direct: boolean): string[] {
  const flags = [...(offset === 0 ? [] : ['skip_bytes']), ...(direct ? ['direct'] : [])];
  return [
    `if=${device}`,
    'of=/dev/null',
    `bs=${edgeBytes}`,
    'count=1',
    'status=none',
    ...(offset === 0 ? [] : [`skip=${offset}`]),
    ...(flags.length > 0 ? [`iflag=${flags.join(',')}`] : []),
  ];
}

/** dd failed with EINVAL: the device (or its driver) refuses O_DIRECT, to open or to read. */
export function refusedDirect(result: RunResult): boolean {
  return result.code !== 0 && !result.timedOut && /Invalid argument/.test(result.stderr);
}

async function readAt(
  runner: Runner,
  device: string,
  offset: number,
  why: string,
  log: CommandLogger | undefined,
): Promise<void> {
  let result = await runner.run('dd', ddArgs(device, offset, true));
  if (refusedDirect(result)) {
    log?.debug(
      { device, offset, stderr: result.stderr.trim() },
      'device refuses direct I/O; reading it through the page cache instead',
    );
    result = await runner.run('dd', ddArgs(device, offset, false));
  }
  if (result.code === 0 && !result.timedOut) {
    return;
  }
  const detail = result.timedOut
    ? 'the read timed out'
    : (result.stderr.trim().split('\n')[0] ?? '') || `dd exited ${result.code ?? result.signal}`;
  throw unavailable(`${device} cannot be read (${detail}) ${why}; not formatting it`);
}

/**
 * Opens `device` and reads its first and last 64 KiB with direct I/O; throws Unavailable naming the
 * device and the reason when it cannot. `why` says what the check is for ("although blkid found it
 * blank"); `log` gets a debug line when the device refuses direct I/O and is read buffered.
 */
export async function assertDeviceReadable(
  runner: Runner,
  device: string,
  why: string,
  log?: CommandLogger,
): Promise<void> {
  await readAt(runner, device, 0, why, log);
  let size: number;
  try {
    size = await deviceSize(runner, device);
  } catch (err) {
    throw unavailable(`${device} cannot be read (${(err as Error).message}) ${why}; not formatting it`, err);
  }
  if (size > edgeBytes) {
    await readAt(runner, device, size - edgeBytes, why, log);
  }
}
