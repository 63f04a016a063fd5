// Proof that a device can be read, asked before a blank probe is trusted: blkid -p exits 2 both
// when a readable device holds nothing and when it could not read it (missing node, I/O errors on a
// multipath map with failing paths). The reads are `dd` processes through the runner rather than
// reads in this process: a read on a map that queues I/O blocks in the kernel, and a child process
// is bounded by the runner's timeout where an in-process read would pin a libuv thread for good.
import { unavailable } from '../errors.js';
import { deviceSize } from './blockdev.js';
import type { Runner } from './runner.js';

/** Bytes read at each end of the device (covers every signature blkid looks for at either end). */
export const edgeBytes = 64 * 1024;

function ddArgs(device: string, offset: number): string[] {
  const args = [`if=${device}`, 'of=/dev/null', `bs=${edgeBytes}`, 'count=1', 'status=none'];
  return offset === 0 ? args : [...args, `skip=${offset}`, 'iflag=skip_bytes'];
}

async function readAt(runner: Runner, device: string, offset: number, why: string): Promise<void> {
  const result = await runner.run('dd', ddArgs(device, offset));
  if (result.code === 0 && !result.timedOut) {
    return;
  }
  const detail = result.timedOut
    ? 'the read timed out'
    : (result.stderr.trim().split('\n')[0] ?? '') || `dd exited ${result.code ?? result.signal}`;
  throw unavailable(`${device} cannot be read (${detail}) ${why}; not formatting it`);
}

/**
 * Opens `device` and reads its first and last 64 KiB; throws Unavailable naming the device and the
 * reason when it cannot. `why` says what the check is for ("although blkid found it blank").
 */
export async function assertDeviceReadable(runner: Runner, device: string, why: string): Promise<void> {
  await readAt(runner, device, 0, why);
  let size: number;
  try {
    size = await deviceSize(runner, device);
  } catch (err) {
    throw unavailable(`${device} cannot be read (${(err as Error).message}) ${why}; not formatting it`, err);
  }
  if (size > edgeBytes) {
    await readAt(runner, device, size - edgeBytes, why);
  }
}
