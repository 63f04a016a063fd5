// Issue 12, item 8 on DSM: what a failed or interrupted request leaves under a volume's name. A
// clone whose growth and then whose removal failed is not a finished volume of that name: the next
// create finishes it (no name is stuck as "exists with another size"). A LUN removed behind the
// CSP's back still has its node target and host permission removed when it is unpublished, and
// a retried unpublish removes the node's host object that a failed one left.
import { afterEach, describe, expect, it } from 'vitest';
import { codes } from '../../src/dsm/index.js';
import { failure } from './errors.js';
import { GiB, hostRequest, type Stack, startStack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('csp-synology objects left under a volume name', () => {
  it('finishes a clone whose growth and removal failed, instead of showing it at the wrong size', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    const source = await client.createVolume({ name: 'pvc-source', size: GiB });
    sim.failNext(1, { dsmError: codes.unknown }, /^SYNO\.Core\.ISCSI\.LUN\.set$/);
    sim.failNext(1, { dsmError: codes.unknown }, /^SYNO\.Core\.ISCSI\.LUN\.delete$/);
    const request = { name: 'pvc-copy', size: 2 * GiB, config: { clone_of: source.id } };
    expect((await failure(client.createVolume(request)))?.status).toBeGreaterThanOrEqual(500);
    expect(await client.findVolumeByName('pvc-copy')).toBeUndefined();
    expect((await sim.audit()).luns).toHaveLength(2);

    const copy = await client.createVolume(request);
    expect(copy).toMatchObject({ name: 'pvc-copy', size: 2 * GiB, clone: true });
    expect((await sim.audit()).luns).toHaveLength(2);
    await client.deleteVolume(copy.id);
    await client.deleteVolume(source.id);
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('removes the node host object when an unpublish is retried after its removal failed', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    await client.upsertHost(hostRequest('node-a'));
    const volume = await client.createVolume({ name: 'pvc-retried', size: GiB });
    await client.publishVolume(volume.id, { host_uuid: 'node-a' });
    sim.failNext(1, { dsmError: codes.unknown }, /^SYNO\.Core\.ISCSI\.Host\.delete$/);
    expect((await failure(client.unpublishVolume(volume.id, { host_uuid: 'node-a' })))?.status).toBeGreaterThanOrEqual(
      500,
    );
    expect((await sim.audit()).hosts).toHaveLength(1);
    await client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
    await client.deleteVolume(volume.id);
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('removes the node target and host permission of a LUN that vanished, when it is unpublished', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    await client.upsertHost(hostRequest('node-a'));
    const volume = await client.createVolume({ name: 'pvc-vanish', size: GiB });
    await client.publishVolume(volume.id, { host_uuid: 'node-a' });
    const lun = sim.state.findLun('k8s-pvc-vanish');
    if (!lun) {
      throw new Error('the LUN was not created');
    }
    await sim.state.destroyLun(lun);
    expect((await sim.audit()).targets).toHaveLength(1);
    expect((await failure(client.unpublishVolume(volume.id, { host_uuid: 'node-a' })))?.status).toBe(404);
    expect((await sim.audit()).leaks).toEqual([]);
  });
});
