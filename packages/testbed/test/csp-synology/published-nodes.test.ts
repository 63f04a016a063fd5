// `published_nodes` on csp-synology: each publish's node id is kept on the LUN (an
// `opencsp-nodes:` line of its DSM description), reads report the nodes whose target DSM maps
// the LUN to, in every masking mode, and in a bounded number of DSM calls.
import type { Volume } from '@opencsp/csp-spec';
import { afterEach, describe, expect, it } from 'vitest';
import { GiB, hostRequest, type Stack, type StackOptions, startStack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(options: StackOptions = {}): Promise<Stack> {
  stack = await startStack(options);
  return stack;
}

/** A node id as the driver sends it: hostname, initiator, network (';' and '/' included). */
const nodeId = (node: string) => `${node};iqn.1993-08.org.debian:01:${node};192.0.2.0/24`;

const lunOf = (s: Stack, volume: Volume) => s.sim.state.luns.get(volume.id.split('~')[1] as string);

async function listed(s: Stack, id: string): Promise<Volume | undefined> {
  return (await s.client.listVolumes()).items.find((v) => v.id === id);
}

describe('csp-synology published_nodes', () => {
  it('reports each node id from GET and the list, keeps the user description apart, and forgets nodes on unpublish', async () => {
    const s = await start();
    const { client } = s;
    expect((await client.capabilities())?.features.published_nodes).toBe(true);
    const volume = await client.createVolume({ name: 'pvc-shared', size: GiB, description: 'team a' });
    expect(volume.published_nodes).toEqual([]);
    for (const node of ['node-a', 'node-b']) {
      await client.upsertHost(hostRequest(node));
      await client.publishVolume(volume.id, { host_uuid: node, node_id: nodeId(node) });
    }
    const both = [nodeId('node-a'), nodeId('node-b')];
    expect((await client.getVolume(volume.id)).published_nodes?.sort()).toEqual(both);
    expect((await listed(s, volume.id))?.published_nodes?.sort()).toEqual(both);
    // A retried publish changes nothing; DSM holds the record in the LUN's description.
    await client.publishVolume(volume.id, { host_uuid: 'node-a', node_id: nodeId('node-a') });
    const description = lunOf(s, volume)?.description ?? '';
    expect(description.split('\n')).toEqual([
      'team a',
      expect.stringMatching(/^opencsp-nodes:k8s-host-node-a-.*,k8s-host-node-b-/),
    ]);
    expect(description).not.toMatch(/[;/]/);

    const edited = await client.updateVolume(volume.id, { description: 'team b' });
    expect(edited.description).toBe('team b');
    expect((await client.getVolume(volume.id)).published_nodes?.sort()).toEqual(both);

    await client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
    expect((await client.getVolume(volume.id)).published_nodes).toEqual([nodeId('node-b')]);
    await client.unpublishVolume(volume.id, { host_uuid: 'node-b' });
    expect((await client.getVolume(volume.id)).published_nodes).toEqual([]);
    expect(lunOf(s, volume)?.description).toBe('team b');
    await client.deleteVolume(volume.id);
    expect((await s.sim.audit()).leaks).toEqual([]);
  });

  it('drops a node whose mapping was removed in DSM behind the CSP, and reports it again after a new publish', async () => {
    const s = await start();
    const { client, sim } = s;
    const volume = await client.createVolume({ name: 'pvc-1', size: GiB });
    for (const node of ['node-a', 'node-b']) {
      await client.upsertHost(hostRequest(node));
      await client.publishVolume(volume.id, { host_uuid: node, node_id: nodeId(node) });
    }
    const uuid = volume.id.split('~')[1] as string;
    const targetOfA = [...sim.state.targets.values()].find((t) => t.name.startsWith('k8s-host-node-a-'));
    targetOfA?.mapped.delete(uuid);
    expect((await client.getVolume(volume.id)).published_nodes).toEqual([nodeId('node-b')]);
    expect((await listed(s, volume.id))?.published_nodes).toEqual([nodeId('node-b')]);
    await client.publishVolume(volume.id, { host_uuid: 'node-a', node_id: nodeId('node-a') });
    expect((await client.getVolume(volume.id)).published_nodes?.sort()).toEqual([nodeId('node-a'), nodeId('node-b')]);
    for (const node of ['node-a', 'node-b']) {
      await client.unpublishVolume(volume.id, { host_uuid: node });
    }
    await client.deleteVolume(volume.id);
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('reads cost one target listing at most, however many volumes are published', async () => {
    const s = await start();
    const { client, sim } = s;
    await client.upsertHost(hostRequest('node-a'));
    const volumes: Volume[] = [];
    const measure = async () => ({
      get: (await sim.calls.measure(() => client.getVolume(volumes[0]?.id as string))).calls,
      list: (await sim.calls.measure(() => client.listVolumes())).calls,
    });
    for (let i = 0; i < 12; i++) {
      const volume = await client.createVolume({ name: `pvc-${i}`, size: GiB });
      volumes.push(volume);
      await client.publishVolume(volume.id, { host_uuid: 'node-a', node_id: nodeId('node-a') });
      if (i === 1) {
        const few = await measure();
        expect(few.get).toEqual({ 'SYNO.Core.ISCSI.LUN.get': 1, 'SYNO.Core.ISCSI.Target.list': 1 });
        expect(few.list).toEqual({ 'SYNO.Core.ISCSI.LUN.list': 1, 'SYNO.Core.ISCSI.Target.list': 1 });
      }
    }
    const many = await measure();
    expect(many.get).toEqual({ 'SYNO.Core.ISCSI.LUN.get': 1, 'SYNO.Core.ISCSI.Target.list': 1 });
    expect(many.list).toEqual({ 'SYNO.Core.ISCSI.LUN.list': 1, 'SYNO.Core.ISCSI.Target.list': 1 });
    expect((await client.listVolumes()).items.map((v) => v.published_nodes)).toEqual(
      volumes.map(() => [nodeId('node-a')]),
    );
    for (const volume of volumes) {
      await client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
      await client.deleteVolume(volume.id);
    }
    expect((await sim.audit()).leaks).toEqual([]);
  });

  for (const masking of ['chap', 'none'] as const) {
    it(`records node ids with SYNOLOGY_MASKING=${masking} too`, async () => {
      const s = await start({ csp: { masking } });
      const { client } = s;
      expect((await client.capabilities())?.features.published_nodes).toBe(true);
      const volume = await client.createVolume({ name: 'pvc-1', size: GiB });
      await client.upsertHost(hostRequest('node-a', { chap_user: 'node-a', chap_password: 'node-a-secret' }));
      await client.publishVolume(volume.id, { host_uuid: 'node-a', node_id: nodeId('node-a') });
      expect((await listed(s, volume.id))?.published_nodes).toEqual([nodeId('node-a')]);
      // Without node_id, the host uuid stands for the node (the contract's fallback).
      await client.upsertHost(hostRequest('node-b', { chap_user: 'node-b', chap_password: 'node-b-secret' }));
      await client.publishVolume(volume.id, { host_uuid: 'node-b' });
      expect((await client.getVolume(volume.id)).published_nodes?.sort()).toEqual([nodeId('node-a'), 'node-b']);
      await client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
      await client.unpublishVolume(volume.id, { host_uuid: 'node-b' });
      await client.deleteVolume(volume.id);
      expect((await s.sim.audit()).leaks).toEqual([]);
    });
  }
});
