// Loop devices under the bridge's backstores: iblock needs a block device, and a loop device over
// the array's sparse file is one whose size follows the file (`losetup -c` after the array grows
// the volume), as a zvol's does. Commands go through the driver's host runner.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Runner, SpawnRunner } from '@opencsp/csi-driver/node';
import { attachLoop, detachLoop, refreshLoopSize } from '../loop/losetup.js';

export interface LoopDevices {
  attach(file: string): Promise<string>;
  detach(device: string): Promise<void>;
  /** Re-reads the file's size into the device. */
  refresh(device: string): Promise<void>;
  deviceBytes(device: string): Promise<number>;
  /** The file behind a loop device (empty when it has none). */
  backingFile(device: string): Promise<string>;
  fileBytes(file: string): Promise<number>;
}

export class KernelLoops implements LoopDevices {
  constructor(
    private readonly runner: Runner = new SpawnRunner({ kind: 'direct' }),
    private readonly readSysfs: (path: string) => Promise<string> = (path) => readFile(path, 'utf8'),
  ) {}

  attach(file: string): Promise<string> {
    return attachLoop(this.runner, file);
  }

  detach(device: string): Promise<void> {
    return detachLoop(this.runner, device);
  }

  refresh(device: string): Promise<void> {
    return refreshLoopSize(this.runner, device);
  }

  async deviceBytes(device: string): Promise<number> {
    // /sys/block/<dev>/size counts 512-byte sectors whatever the logical block size.
    const sectors = await this.readSysfs(`/sys/block/${basename(device)}/size`);
    return Number(sectors.trim()) * 512;
  }

  async backingFile(device: string): Promise<string> {
    const text = await this.readSysfs(`/sys/block/${basename(device)}/loop/backing_file`).catch(() => '');
    return text.trim();
  }

  async fileBytes(file: string): Promise<number> {
    return (await stat(file)).size;
  }
}
