// Snapshot scenarios on the real cluster: snapshot, restore and clone with the data checked
// through new PVCs, and (TrueNAS) a VolumeGroupSnapshot of two PVCs restored from its members.
import { readFile } from 'node:fs/promises';
import { createGroupSnapshot, groupSnapshotRef, readyGroupSnapshot, ref } from '@opencsp/testbed/kube';
import { expect, it } from 'vitest';
import { type ScenarioContext, writeSynced } from './context.js';

export function snapshotScenarios(ctx: ScenarioContext): void {
  it('snapshot, restore and clone: the data comes back through new PVCs', async () => {
    const { kube, opencsp } = ctx.stack;
    const { small } = ctx.sizes();
    const xfs = opencsp.classes.xfs;
    await kube.createPvc({ name: 'origin', storageClassName: xfs, size: small });
    const origin = await kube.boundPvc('origin');
    await kube.createPod({ name: 'writer', claims: [{ name: 'origin' }], nodeName: ctx.stack.nodeName });
    const writer = await kube.runningPod('writer');
    const dir = ctx.stack.podVolumeDir(writer.metadata.uid ?? '', origin.pv.metadata.name);
    await writeSynced(ctx.stack.onNode(`${dir}/data.txt`), 'before the snapshot');
    await kube.createSnapshot('snap', 'origin', opencsp.classes.snapshots);
    await kube.readySnapshot('snap');
    await writeSynced(ctx.stack.onNode(`${dir}/later.txt`), 'after the snapshot');
    await kube.createPvc({
      name: 'restored',
      storageClassName: xfs,
      size: small,
      dataSource: { kind: 'VolumeSnapshot', name: 'snap' },
    });
    await kube.createPvc({
      name: 'cloned',
      storageClassName: xfs,
      size: small,
      dataSource: { kind: 'PersistentVolumeClaim', name: 'origin' },
    });
    const restored = await kube.boundPvc('restored');
    const cloned = await kube.boundPvc('cloned');
    await kube.createPod({
      name: 'reader',
      claims: [{ name: 'restored' }, { name: 'cloned' }],
      nodeName: ctx.stack.nodeName,
    });
    const reader = await kube.runningPod('reader');
    const at = (pv: string, file: string) =>
      ctx.stack.onNode(`${ctx.stack.podVolumeDir(reader.metadata.uid ?? '', pv)}/${file}`);
    expect(await readFile(at(restored.pv.metadata.name, 'data.txt'), 'utf8')).toBe('before the snapshot');
    await expect(readFile(at(restored.pv.metadata.name, 'later.txt'))).rejects.toThrow(/ENOENT/);
    expect(await readFile(at(cloned.pv.metadata.name, 'later.txt'), 'utf8')).toBe('after the snapshot');
    for (const pod of ['reader', 'writer']) {
      await ctx.deletePod(pod);
    }
    for (const { pv } of [restored, cloned, origin]) {
      await kube.noAttachmentOf(pv.metadata.name);
    }
    // Volumes made from a snapshot or from a volume go before their source (ZFS clones need it).
    await ctx.deletePvc('restored', restored.pv.metadata.name);
    await ctx.deletePvc('cloned', cloned.pv.metadata.name);
    await kube.deleteAndWait(ref.snapshot('snap'));
    await ctx.deletePvc('origin', origin.pv.metadata.name);
    await ctx.expectClean();
  });

  // csp-synology claims no snapshot groups (DSM snapshots one LUN at a time): TrueNAS only.
  it.runIf(ctx.options.backend === 'truenas')(
    'snapshots two PVCs as one VolumeGroupSnapshot and restores both from its member snapshots',
    async () => {
      const { kube, opencsp } = ctx.stack;
      const { small } = ctx.sizes();
      const labels = { app: 'e2e-group' };
      for (const name of ['app-db', 'app-wal']) {
        await kube.createPvc({ name, storageClassName: opencsp.classes.grouped, size: small, labels });
      }
      const sources = [await kube.boundPvc('app-db'), await kube.boundPvc('app-wal')];
      await createGroupSnapshot(kube.client, 'app-group', labels, opencsp.classes.groupSnapshots);
      const members = await readyGroupSnapshot(kube.client, 'app-group', 2);
      for (const [i, snapshot] of members.entries()) {
        await kube.createPvc({
          name: `app-restored-${i}`,
          storageClassName: opencsp.classes.ext4,
          size: small,
          dataSource: { kind: 'VolumeSnapshot', name: snapshot },
        });
      }
      const restored = [await kube.boundPvc('app-restored-0'), await kube.boundPvc('app-restored-1')];
      for (const [i, { pv }] of restored.entries()) {
        await ctx.deletePvc(`app-restored-${i}`, pv.metadata.name);
      }
      await kube.deleteAndWait(groupSnapshotRef('app-group'), 120_000);
      for (const snapshot of members) {
        await kube.deleteAndWait(ref.snapshot(snapshot), 120_000);
      }
      await ctx.deletePvc('app-db', sources[0]?.pv.metadata.name as string);
      await ctx.deletePvc('app-wal', sources[1]?.pv.metadata.name as string);
      await ctx.expectClean();
    },
    240_000,
  );
}
