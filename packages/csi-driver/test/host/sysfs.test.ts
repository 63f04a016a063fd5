import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RootedHostFiles } from '../../src/host/files.js';
import { scsiIdentity } from '../../src/host/sysfs.js';

/** A VPD page 0x80 as the kernel exposes it: 4-byte header, then `length` bytes of serial. */
function vpdPage80(serial: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x80, 0x00, serial.length]), serial]);
}

describe('scsiIdentity', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'opencsp-sysfs-'));
    await mkdir(join(root, 'sys/block/sdb/device'), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads the unit serial without the NUL padding LIO adds, and the WWID', async () => {
    // Seen on a real LIO target in the VM suite: the serial is NUL-padded inside the page length.
    const serial = '72544d73-c22d-4ce4-afb2-c6bdc89d5047';
    const padded = Buffer.concat([Buffer.from(serial, 'latin1'), Buffer.alloc(4)]);
    await writeFile(join(root, 'sys/block/sdb/device/vpd_pg80'), vpdPage80(padded));
    await writeFile(join(root, 'sys/block/sdb/device/wwid'), 'naa.600140572544d73c22d4ce4afb2c6bdc\n');
    expect(await scsiIdentity(new RootedHostFiles(root), 'sdb')).toEqual({
      serial,
      wwid: 'naa.600140572544d73c22d4ce4afb2c6bdc',
    });
  });

  it('trims space padding (IET, SCST) and reports absent pages as undefined', async () => {
    await writeFile(join(root, 'sys/block/sdb/device/vpd_pg80'), vpdPage80(Buffer.from('beaf11      ', 'latin1')));
    expect(await scsiIdentity(new RootedHostFiles(root), 'sdb')).toEqual({ serial: 'beaf11', wwid: undefined });
    await mkdir(join(root, 'sys/block/sdc/device'), { recursive: true });
    expect(await scsiIdentity(new RootedHostFiles(root), 'sdc')).toEqual({ serial: undefined, wwid: undefined });
  });
});
