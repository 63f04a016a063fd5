// `blkid -p -o export <dev>`: a low-level probe (no cache, no udev) of what a device holds. Exit 2
// means nothing was found, which is the only state in which the node formats a device; but blkid
// also exits 2 when it could not open or read the device, so "blank" needs exit 2, no error on
// stderr, and both ends of the device read back without error.
import { type DriverError, failedPrecondition, unavailable } from '../errors.js';
import { assertDeviceReadable } from './device-read.js';
import { type CommandLogger, commandError, type Runner } from './runner.js';

export interface DeviceProbe {
  /** Filesystem or other signature type (ext4, xfs, btrfs, LVM2_member, crypto_LUKS...). */
  readonly type?: string;
  /** filesystem | raid | crypto | other, when blkid says so. */
  readonly usage?: string;
  readonly uuid?: string;
  readonly label?: string;
  /** Partition table type (dos, gpt) when the device is partitioned. */
  readonly ptType?: string;
  readonly raw: Readonly<Record<string, string>>;
}

export function parseBlkidExport(text: string): DeviceProbe {
  const raw: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) {
      raw[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
  }
  return { type: raw.TYPE, usage: raw.USAGE, uuid: raw.UUID, label: raw.LABEL, ptType: raw.PTTYPE, raw };
}

/**
 * What the device holds, or `undefined` when it is blank (blkid exit 2 on a device that reads).
 * Unavailable when blkid reports an error or the device cannot be read: nothing may format it then.
 * `log` hears when the device refuses direct I/O (assertDeviceReadable).
 */
export async function probeDevice(
  runner: Runner,
  device: string,
  log?: CommandLogger,
): Promise<DeviceProbe | undefined> {
  const result = await runner.run('blkid', ['-p', '-o', 'export', device]);
  if (result.code === 2 && !result.timedOut) {
    const error = result.stderr.split('\n').find((line) => line.includes('error:'));
    if (error) {
      throw unavailable(`blkid could not probe ${device} (${error.trim()}); not formatting it`);
    }
    await assertDeviceReadable(runner, device, 'although blkid found no signature', log);
    return undefined;
  }
  if (result.code === 0) {
    return parseBlkidExport(result.stdout);
  }
  if (result.code === 8) {
    throw ambivalent(device, result.stderr);
  }
  throw commandError(result, 'Internal', `probing ${device} for an existing filesystem`);
}

function ambivalent(device: string, stderr: string): DriverError {
  const detail = stderr.trim().split('\n')[0] ?? '';
  return failedPrecondition(
    `${device} carries several conflicting signatures (blkid exit 8${detail ? `: ${detail}` : ''}); refusing to format or mount it`,
  );
}
