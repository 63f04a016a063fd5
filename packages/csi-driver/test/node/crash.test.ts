// A crash (the plugin process dies) right after each side effect of an RPC, then a restarted
// plugin retries the same RPC: the host must end exactly where an uninterrupted call leaves it.
import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { NodeService } from '../../src/node/service.js';
import { createHarness, type Harness, lun, publishRequest, stageRequest } from './harness.js';

interface Snapshot {
  sessions: string[];
  records: string[];
  disks: number;
  maps: string[];
  mounts: string[];
  mkfs: number;
  fsSizes: number[];
  phase: string | undefined;
  owner: string;
}

async function snapshot(h: Harness): Promise<Snapshot> {
  const k = h.host.kernel;
  return {
    sessions: k.sessions.map((s) => `${s.iqn}@${s.portal}`).sort(),
    records: [...k.records.entries()]
      .map(([key, r]) => `${key}:${r.get('node.startup')}:${r.get('node.session.scan')}`)
      .sort(),
    disks: k.disks.size,
    maps: [...k.maps.values()].map((m) => `${m.wwid}:${m.slaves.length}`),
    mounts: k.mounts.map((m) => `${m.mountPoint.slice(h.dir.length)}:${m.options[0]}:${m.root}`).sort(),
    mkfs: h.host.fs.mkfsCount,
    fsSizes: [...k.filesystems.values()].map((f) => f.size),
    phase: (await h.store.get('vol-1'))?.phase,
    owner: await stat(stageRequest(h).stagingTargetPath).then(
      (st) => `${st.uid}:${st.gid}`,
      () => 'none',
    ),
  };
}

/**
 * Runs `setup` then `action` once cleanly to count its side effects and take the reference
 * snapshot; then for every step k: fresh host, setup, crash after step k of `action`, restart,
 * retry, compare.
 */
async function crashEverywhere(
  setup: (h: Harness) => Promise<void>,
  action: (s: NodeService, h: Harness) => Promise<unknown>,
): Promise<number> {
  const ref = await createHarness();
  let total: number;
  let expected: Snapshot;
  try {
    await setup(ref);
    const before = ref.host.steps;
    await action(ref.service, ref);
    total = ref.host.steps - before;
    expected = await snapshot(ref);
  } finally {
    await ref.cleanup();
  }
  for (let k = 1; k <= total; k++) {
    const h = await createHarness();
    try {
      await setup(h);
      h.host.crashAt = h.host.steps + k;
      await expect(action(h.service, h), `crash after step ${k}`).rejects.toThrow();
      h.host.revive();
      await action(h.restart(), h);
      expect(await snapshot(h), `retry after a crash at step ${k} of ${total}`).toEqual(expected);
    } finally {
      await h.cleanup();
    }
  }
  return total;
}

describe('crash after each step, then retry', () => {
  it('NodeStageVolume (filesystem) converges', async () => {
    const steps = await crashEverywhere(
      async () => {},
      (s, h) => s.nodeStageVolume(stageRequest(h, { context: { fsOwner: '1000:1000' } })),
    );
    expect(steps).toBeGreaterThan(12);
  });

  it('NodeStageVolume (block) converges', async () => {
    await crashEverywhere(
      async () => {},
      (s, h) => s.nodeStageVolume(stageRequest(h, { block: true })),
    );
  });

  it('NodeUnstageVolume converges to a clean host', async () => {
    const steps = await crashEverywhere(
      async (h) => {
        await h.service.nodeStageVolume(stageRequest(h));
      },
      (s, h) => s.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: stageRequest(h).stagingTargetPath }),
    );
    expect(steps).toBeGreaterThan(10);
  });

  it('NodePublishVolume (read-only) and NodeUnpublishVolume converge', async () => {
    const stage = async (h: Harness) => {
      await h.service.nodeStageVolume(stageRequest(h));
    };
    await crashEverywhere(stage, (s, h) => s.nodePublishVolume(publishRequest(h, stageRequest(h), 'pod', true)));
    await crashEverywhere(
      async (h) => {
        await stage(h);
        await h.service.nodePublishVolume(publishRequest(h, stageRequest(h), 'pod', true));
      },
      (s, h) =>
        s.nodeUnpublishVolume({ volumeId: 'vol-1', targetPath: publishRequest(h, stageRequest(h), 'pod').targetPath }),
    );
  });

  it('NodeExpandVolume converges', async () => {
    await crashEverywhere(
      async (h) => {
        await h.service.nodeStageVolume(stageRequest(h, { fsType: 'xfs' }));
        lun(h).size = 2 * 1024 ** 3;
      },
      (s, h) =>
        s.nodeExpandVolume({
          volumeId: 'vol-1',
          volumePath: stageRequest(h).stagingTargetPath,
          capacityRange: { requiredBytes: 2 * 1024 ** 3, limitBytes: 0 },
          stagingTargetPath: '',
          volumeCapability: null,
          secrets: {},
        }),
    );
  });
});
