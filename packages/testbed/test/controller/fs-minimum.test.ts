// Filesystems with a smallest device (mkfs.xfs: 300 MiB, mkfs.btrfs: 109 MiB): CreateVolume for a
// mount capability raises a smaller request to that minimum when limit_bytes allows it (CSI lets a
// plugin create more than required_bytes), and answers OUT_OF_RANGE naming the minimum when it
// does not, so that NodeStageVolume never meets a device mkfs refuses.
import { status } from '@grpc/grpc-js';
import type * as csi from '@opencsp/csi-driver';
import { isGrpcError, storageClass } from '@opencsp/testbed/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scenario, secretRef, startScenario } from './fixture.js';

const MiB = 1024 ** 2;
const xfsMinimum = 300 * MiB;
const btrfsMinimum = 114_294_784;

describe.each(['memory', 'truenas'] as const)('filesystem minimum sizes (%s)', (backendName) => {
  let s: Scenario;
  const created: string[] = [];
  beforeAll(async () => {
    s = await startScenario(backendName);
  });
  afterAll(async () => {
    try {
      for (const volumeId of created) {
        await s.driver.client.controller('DeleteVolume', { volumeId, secrets: s.backend.secrets });
      }
      expect(await s.backend.audit()).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  async function request(fsType: string | undefined, size: number, limit?: number): Promise<csi.CreateVolumeRequest> {
    const sc = fsType
      ? storageClass(`${backendName}-${fsType}`, secretRef, {
          'csi.storage.k8s.io/fstype': fsType,
          ...s.backend.parameters,
        })
      : s.block;
    const pvc = { name: 'small', namespace: 'ns', size, ...(fsType ? {} : { volumeMode: 'Block' as const }) };
    const req = await s.driver.kube.createVolumeRequest(
      sc,
      pvc,
      `pvc-small-${fsType ?? 'block'}-${size}-${limit ?? 0}`,
    );
    return limit === undefined ? req : { ...req, capacityRange: { requiredBytes: size, limitBytes: limit } };
  }

  async function capacityOf(req: csi.CreateVolumeRequest): Promise<number> {
    const { volume } = await s.driver.client.controller('CreateVolume', req);
    created.push(volume?.volumeId as string);
    return Number(volume?.capacityBytes);
  }

  it('an xfs volume of 64 MiB is made at 300 MiB, also when a limit allows it; a retry finds the same volume', async () => {
    const req = await request('xfs', 64 * MiB);
    expect(await capacityOf(req)).toBe(xfsMinimum);
    const again = await s.driver.client.controller('CreateVolume', req);
    expect(again.volume?.volumeId).toBe(created.at(-1));
    expect(await capacityOf(await request('xfs', 64 * MiB, 512 * MiB))).toBe(xfsMinimum);
  });

  it('btrfs is raised to its minimum; ext4 and block volumes keep the size asked for', async () => {
    expect(await capacityOf(await request('btrfs', 64 * MiB))).toBe(btrfsMinimum);
    expect(await capacityOf(await request('ext4', 64 * MiB))).toBe(64 * MiB);
    expect(await capacityOf(await request(undefined, 64 * MiB))).toBe(64 * MiB);
  });

  it('an xfs volume whose limit_bytes is below the minimum: OUT_OF_RANGE naming it, nothing created', async () => {
    const before = JSON.stringify(await s.backend.audit());
    const err = await s.driver.client.controller('CreateVolume', await request('xfs', 64 * MiB, 128 * MiB)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isGrpcError(err) && err.code).toBe(status.OUT_OF_RANGE);
    expect(isGrpcError(err) && err.details).toContain(`mkfs.xfs needs at least ${xfsMinimum} bytes (300 MiB)`);
    expect(JSON.stringify(await s.backend.audit())).toBe(before);
  });
});
