// Volume scenarios on the real cluster: a PVC bound, attached, staged and published into a pod
// and undone (Immediate and WaitForFirstConsumer), raw block, online expansion, and a
// VolumeAttributesClass change. Each ends with nothing left (ScenarioContext.expectClean).
import { statfs } from 'node:fs/promises';
import { volumeThroughCsp } from '@opencsp/testbed/harness';
import { expect, it } from 'vitest';
import { pread, pwrite } from '../block-io.js';
import { MiB, type ScenarioContext, writeSynced } from './context.js';

export function volumeScenarios(ctx: ScenarioContext): void {
  it('binds an Immediate PVC, attaches, stages and publishes it into a pod, then undoes it all', async () => {
    const { kube, backend } = ctx.stack;
    const { small } = ctx.sizes();
    await kube.createPvc({ name: 'data', storageClassName: ctx.stack.opencsp.classes.ext4, size: small });
    const { pv } = await kube.boundPvc('data');
    const volumeId = pv.spec.csi?.volumeHandle ?? '';
    expect(await backend.volumeCount()).toBe(1);
    await kube.createPod({ name: 'app', claims: [{ name: 'data' }], nodeName: ctx.stack.nodeName });
    const pod = await kube.runningPod('app');
    const attachment = await kube.attachmentOf(pv.metadata.name);
    expect(attachment?.status?.attached).toBe(true);
    expect(await backend.initiatorsOf(volumeId)).toEqual([ctx.stack.initiatorName]);
    const dir = ctx.stack.podVolumeDir(pod.metadata.uid ?? '', pv.metadata.name);
    const mounts = await ctx.stack.current.node.namespace.mountsUnder(dir);
    expect(mounts.map((m) => m.fstype)).toEqual(['ext4']);
    await writeSynced(ctx.stack.onNode(`${dir}/hello.txt`), "written through kubelet's publish path");
    await ctx.deletePod('app');
    await kube.noAttachmentOf(pv.metadata.name);
    expect(await ctx.stack.current.node.namespace.mountsUnder(dir)).toEqual([]);
    expect(await backend.initiatorsOf(volumeId)).toEqual([]);
    await ctx.deletePvc('data', pv.metadata.name);
    expect(await backend.volumeCount()).toBe(0);
    await ctx.expectClean();
  });

  it('WaitForFirstConsumer: the claim waits for kube-scheduler to place its pod', async () => {
    const { kube } = ctx.stack;
    await kube.createPvc({
      name: 'late',
      storageClassName: ctx.stack.opencsp.classes.waitForConsumer,
      size: ctx.sizes().small,
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await kube.getPvc('late'))?.status?.phase).toBe('Pending');
    expect(await ctx.stack.backend.volumeCount()).toBe(0);
    await kube.createPod({ name: 'consumer', claims: [{ name: 'late' }] });
    const pod = await kube.runningPod('consumer');
    expect(pod.spec.nodeName).toBe(ctx.stack.nodeName);
    const { pvc, pv } = await kube.boundPvc('late');
    expect(pvc.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe(ctx.stack.nodeName);
    await ctx.deletePod('consumer');
    await kube.noAttachmentOf(pv.metadata.name);
    await ctx.deletePvc('late', pv.metadata.name);
    await ctx.expectClean();
  });

  it("raw block: the pod's device is the LUN", async () => {
    const { kube, backend } = ctx.stack;
    await kube.createPvc({
      name: 'raw',
      storageClassName: ctx.stack.opencsp.classes.ext4,
      size: ctx.sizes().small,
      block: true,
    });
    const { pv } = await kube.boundPvc('raw');
    await kube.createPod({ name: 'blocky', claims: [{ name: 'raw', block: true }], nodeName: ctx.stack.nodeName });
    const pod = await kube.runningPod('blocky');
    const device = ctx.stack.onNode(ctx.stack.podDevicePath(pod.metadata.uid ?? '', pv.metadata.name));
    const pattern = Buffer.from(`opencsp raw block ${pv.metadata.name}`);
    await pwrite(device, pattern, 3 * MiB);
    const lun = backend.luns.backingFileOf(pv.spec.csi?.volumeHandle ?? '') as string;
    expect(await pread(lun, pattern.length, 3 * MiB)).toEqual(pattern);
    await ctx.deletePod('blocky');
    await kube.noAttachmentOf(pv.metadata.name);
    await ctx.deletePvc('raw', pv.metadata.name);
    await ctx.expectClean();
  });

  it("expands a mounted volume online: external-resizer, then kubelet's NodeExpandVolume", async () => {
    const { kube } = ctx.stack;
    const { small, large, bytes } = ctx.sizes();
    await kube.createPvc({ name: 'grow', storageClassName: ctx.stack.opencsp.classes.xfs, size: small });
    const { pv } = await kube.boundPvc('grow');
    await kube.createPod({ name: 'grower', claims: [{ name: 'grow' }], nodeName: ctx.stack.nodeName });
    const pod = await kube.runningPod('grower');
    const dir = ctx.stack.onNode(ctx.stack.podVolumeDir(pod.metadata.uid ?? '', pv.metadata.name));
    const before = await statfs(dir);
    await kube.resizePvc('grow', large);
    await kube.resizedPvc('grow', large);
    const after = await statfs(dir);
    expect(after.blocks * after.bsize).toBeGreaterThan(before.blocks * before.bsize);
    expect(after.blocks * after.bsize).toBeGreaterThan(bytes * 1.5);
    expect((await kube.getPv(pv.metadata.name))?.spec.capacity.storage).toBe(large);
    await ctx.deletePod('grower');
    await kube.noAttachmentOf(pv.metadata.name);
    await ctx.deletePvc('grow', pv.metadata.name);
    await ctx.expectClean();
  });

  it('VolumeAttributesClass: csi-resizer calls ControllerModifyVolume and the setting changes on the array', async () => {
    const { kube, opencsp, backend } = ctx.stack;
    const className = opencsp.classes.modified;
    const vac = opencsp.release.objects.find(
      (o) => o.object.kind === 'VolumeAttributesClass' && o.object.metadata.name === className,
    )?.object as unknown as { parameters: Record<string, string> } | undefined;
    const [entry] = Object.entries(vac?.parameters ?? {});
    if (!entry) {
      throw new Error(`the release holds no VolumeAttributesClass ${className}`);
    }
    const [parameter, value] = entry;
    const configKey = parameter.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    const onArray = async (id: string) =>
      String(
        (await volumeThroughCsp(backend.secrets, id, opencsp.cspHandle.access)).config?.[configKey] ?? '',
      ).toLowerCase();
    await kube.createPvc({ name: 'modify', storageClassName: opencsp.classes.ext4, size: ctx.sizes().small });
    const { pv } = await kube.boundPvc('modify');
    const id = pv.spec.csi?.volumeHandle as string;
    expect(await onArray(id)).not.toBe(value.toLowerCase());
    await kube.modifyPvc('modify', className);
    const pvc = await kube.modifiedPvc('modify', className, 120_000);
    expect(pvc.status?.currentVolumeAttributesClassName).toBe(className);
    expect((await kube.getPv(pv.metadata.name))?.spec.volumeAttributesClassName).toBe(className);
    expect(await onArray(id)).toBe(value.toLowerCase());
    await ctx.deletePvc('modify', pv.metadata.name);
    await ctx.expectClean();
  });
}
