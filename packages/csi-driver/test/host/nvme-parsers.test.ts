// The NVMe host readers against what real hosts showed: the sysfs tree, host identity files and
// nvme-cli outputs the VM suite recorded (test/fixtures/host/nvme-*).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RootedHostFiles } from '../../src/host/files.js';
import { parseHostId, parseHostNqn, readNvmeHost } from '../../src/host/nvme-host.js';
import {
  findNvmeSubsystem,
  namespaceSubsystemNqn,
  nativeMultipath,
  normaliseId,
  parseNvmeAddress,
  readNvmeController,
  subsystemControllers,
  subsystemNamespaces,
} from '../../src/host/nvme-sysfs.js';
import { type FixtureRoot, fixture, fixtureRoot } from './fixtures.js';

const subnqn = 'nqn.2011-06.com.truenas:uuid:6af08abc-cb21-4f4f-aef0-9cb81f79658f:pvc-e2e';
const hostnqn = 'nqn.2014-08.org.nvmexpress:uuid:5331c213-3450-4ea8-add6-6a11af6688c2';

describe('NVMe sysfs readers on Linux 6.1 with native multipath (two TCP paths)', () => {
  let tree: FixtureRoot;
  let files: RootedHostFiles;
  beforeAll(async () => {
    tree = await fixtureRoot('nvme-sysfs-6.1.txt');
    files = tree.files;
  });
  afterAll(() => tree.remove());

  it('finds the subsystem by NQN and nothing for another NQN', async () => {
    expect(await nativeMultipath(files)).toBe(true);
    expect(await findNvmeSubsystem(files, subnqn)).toBe('nvme-subsys0');
    expect(await findNvmeSubsystem(files, `${subnqn}-other`)).toBeUndefined();
  });

  it('reads both controllers with their state, transport and portal', async () => {
    const controllers = await subsystemControllers(files, 'nvme-subsys0');
    expect(controllers).toEqual([
      {
        name: 'nvme0',
        state: 'live',
        transport: 'tcp',
        address: { traddr: '127.0.0.1', trsvcid: 4420 },
        subsysnqn: subnqn,
        hostnqn,
      },
      {
        name: 'nvme1',
        state: 'live',
        transport: 'tcp',
        address: { traddr: '127.0.0.2', trsvcid: 4420 },
        subsysnqn: subnqn,
        hostnqn,
      },
    ]);
    expect(await readNvmeController(files, 'nvme7')).toBeUndefined();
  });

  it('lists the multipath head only (not the hidden path disks nvme0c0n1/nvme0c1n1 or ng0n1)', async () => {
    const namespaces = await subsystemNamespaces(files, 'nvme-subsys0', ['nvme0', 'nvme1']);
    expect(namespaces).toEqual([
      {
        name: 'nvme0n1',
        nsid: 1,
        nguid: '948a31e6f0394687a468f9ca0528b89e',
        uuid: '861cd414-67a7-4ece-a6c6-f20b5617bb56',
        wwid: 'uuid.861cd414-67a7-4ece-a6c6-f20b5617bb56',
      },
    ]);
  });

  it("reads a head's subsystem NQN through its device link (6.1 has no multipath/ directory)", async () => {
    expect(await namespaceSubsystemNqn(files, 'nvme0n1')).toBe(subnqn);
    expect(await namespaceSubsystemNqn(files, 'vda')).toBeUndefined();
  });
});

describe('NVMe identifiers and addresses', () => {
  it('parses controller addresses with and without a source address or service id', () => {
    expect(parseNvmeAddress('traddr=127.0.0.2,trsvcid=4420,src_addr=127.0.0.1\n')).toEqual({
      traddr: '127.0.0.2',
      trsvcid: 4420,
    });
    expect(parseNvmeAddress('traddr=10.0.0.5,trsvcid=4420')).toEqual({ traddr: '10.0.0.5', trsvcid: 4420 });
    expect(parseNvmeAddress('traddr=fd00::5,trsvcid=4421')).toEqual({ traddr: 'fd00::5', trsvcid: 4421 });
    expect(parseNvmeAddress('traddr=10.0.0.5')).toEqual({ traddr: '10.0.0.5', trsvcid: undefined });
  });

  it('normalises NGUIDs (no dashes) and UUIDs (dashes); zeros mean unset', () => {
    expect(normaliseId('948A31E6-F039-4687-A468-F9CA0528B89E\n', false)).toBe('948a31e6f0394687a468f9ca0528b89e');
    expect(normaliseId('861cd414-67a7-4ece-a6c6-f20b5617bb56', true)).toBe('861cd414-67a7-4ece-a6c6-f20b5617bb56');
    expect(normaliseId('00000000-0000-0000-0000-000000000000', true)).toBeUndefined();
    expect(normaliseId('', false)).toBeUndefined();
    expect(normaliseId(undefined, false)).toBeUndefined();
  });
});

describe('host identity files', () => {
  it('reads /etc/nvme/hostnqn and hostid as nvme-cli writes them', () => {
    expect(parseHostNqn(fixture('nvme-hostnqn'))).toBe(hostnqn);
    expect(parseHostId(fixture('nvme-hostid'))).toBe('d740d0a1-0f46-4f97-a5a5-e837c7ec3713');
  });

  it('refuses a zero-UUID NQN (gen-hostnqn without a DMI UUID), garbage and empty files', () => {
    expect(parseHostNqn('nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000000\n')).toEqual({
      problem: expect.stringMatching(/all zeros/),
      remedy: expect.stringMatching(/uuidgen/),
    });
    expect(parseHostNqn('iqn.1993-08.org.debian:01:abc')).toEqual({ problem: expect.stringMatching(/not an NVMe/) });
    expect(parseHostNqn('# comment only\n\n')).toEqual({ problem: 'is empty' });
    expect(parseHostId('not-a-uuid')).toEqual({ problem: expect.stringMatching(/not a UUID/) });
  });

  it('reads the identity from the host root, and names the file and the remedy when it is bad', async () => {
    const root = await mkdtemp(join(tmpdir(), 'opencsp-nvme-host-'));
    try {
      const files = new RootedHostFiles(root);
      expect(await readNvmeHost(files)).toBeUndefined();
      await mkdir(join(root, 'etc/nvme'), { recursive: true });
      await writeFile(join(root, 'etc/nvme/hostnqn'), fixture('nvme-hostnqn'));
      expect(await readNvmeHost(files)).toEqual({ hostnqn });
      await writeFile(join(root, 'etc/nvme/hostid'), fixture('nvme-hostid'));
      expect(await readNvmeHost(files)).toEqual({ hostnqn, hostid: 'd740d0a1-0f46-4f97-a5a5-e837c7ec3713' });
      await writeFile(
        join(root, 'etc/nvme/hostnqn'),
        'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000000\n',
      );
      await expect(readNvmeHost(files)).rejects.toMatchObject({
        kind: 'FailedPrecondition',
        message: expect.stringMatching(/\/etc\/nvme\/hostnqn .*all zeros.*uuidgen/),
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
