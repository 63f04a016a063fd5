// Resilience scenarios on the real cluster: CSP and driver restarts mid-lifecycle, and a node lost
// while a volume is attached (non-graceful shutdown, then a replacement node reads the data).
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { type ScenarioContext, writeSynced } from './context.js';

export function resilienceScenarios(ctx: ScenarioContext): void {
  it('survives a CSP restart and restarts of both drivers mid-lifecycle', async () => {
    const { kube, backend, opencsp } = ctx.stack;
    await kube.createPvc({ name: 'sturdy', storageClassName: ctx.stack.opencsp.classes.ext4, size: ctx.sizes().small });
    const { pv } = await kube.boundPvc('sturdy');
    await backend.restart();
    await kube.createPod({ name: 'steady', claims: [{ name: 'sturdy' }], nodeName: ctx.stack.nodeName });
    const pod = await kube.runningPod('steady');
    await opencsp.controller.restart('csi-driver');
    await ctx.stack.current.pod.restart('csi-driver');
    await backend.restart();
    const dir = ctx.stack.podVolumeDir(pod.metadata.uid ?? '', pv.metadata.name);
    await writeSynced(ctx.stack.onNode(`${dir}/still-here.txt`), 'after the restarts');
    await ctx.deletePod('steady');
    await kube.noAttachmentOf(pv.metadata.name);
    expect(await ctx.stack.current.node.namespace.mountsUnder(dir)).toEqual([]);
    await ctx.deletePvc('sturdy', pv.metadata.name);
    await ctx.expectClean();
  });

  it('a node deleted while a volume is attached: detached for the replacement node, data kept', async () => {
    const { kube, backend, cluster } = ctx.stack;
    await kube.createPvc({ name: 'moving', storageClassName: ctx.stack.opencsp.classes.ext4, size: ctx.sizes().small });
    const { pv } = await kube.boundPvc('moving');
    const volumeId = pv.spec.csi?.volumeHandle ?? '';
    await kube.createPod({ name: 'first', claims: [{ name: 'moving' }], nodeName: ctx.stack.nodeName });
    const first = await kube.runningPod('first');
    await writeSynced(
      ctx.stack.onNode(`${ctx.stack.podVolumeDir(first.metadata.uid ?? '', pv.metadata.name)}/kept.txt`),
      'kept',
    );
    const lost = ctx.stack.nodeName;
    // The machine dies; the operator marks it out of service (non-graceful node shutdown), so
    // its pods are force-deleted and its volumes detached at once, and then deletes the Node.
    await ctx.stack.loseNode();
    await cluster.admin.patch(
      { apiVersion: 'v1', kind: 'Node', name: lost },
      {
        spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] },
      },
    );
    await kube.noAttachmentOf(pv.metadata.name, 120_000);
    expect(await backend.initiatorsOf(volumeId)).toEqual([]);
    await kube.deleteAndWait({ apiVersion: 'v1', kind: 'Node', name: lost });
    await kube.deleteAndWait({ apiVersion: 'v1', kind: 'Pod', name: 'first', namespace: 'default' }, 120_000);
    await ctx.stack.decommissionNode(lost);
    await ctx.stack.joinNode(`${lost}-replacement`);
    ctx.remember();
    await kube.createPod({ name: 'second', claims: [{ name: 'moving' }], nodeName: ctx.stack.nodeName });
    const second = await kube.runningPod('second');
    const moved = ctx.stack.onNode(`${ctx.stack.podVolumeDir(second.metadata.uid ?? '', pv.metadata.name)}/kept.txt`);
    expect(await readFile(moved, 'utf8')).toBe('kept');
    expect(await backend.initiatorsOf(volumeId)).toEqual([ctx.stack.initiatorName]);
    await ctx.deletePod('second');
    await kube.noAttachmentOf(pv.metadata.name);
    await ctx.deletePvc('moving', pv.metadata.name);
    await ctx.expectClean();
  });
}
