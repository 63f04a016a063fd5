// Regressions for the CSI deviations upstream csi-sanity found, through the real driver socket on
// every backend: a publish to the same node with other read-only access is ALREADY_EXISTS (also
// after a CSP restart: the record lives on the array), any CSI name is a volume name (create by
// name stays idempotent, similar names stay apart), and a node's volume limit refuses one more
// publish with RESOURCE_EXHAUSTED. Each ends with an empty leak audit.
import { status } from '@grpc/grpc-js';
import type * as csi from '@opencsp/csi-driver';
import { testNodeId } from '@opencsp/testbed/harness';
import { grpcCode as codeOf } from '@opencsp/testbed/sanity';
import { afterEach, describe, expect, it } from 'vitest';
import { backendNames, GiB, type Scenario, startScenario } from './fixture.js';

const mount: csi.VolumeCapability = {
  mount: { fsType: 'ext4', mountFlags: [] },
  accessMode: { mode: 'SINGLE_NODE_WRITER' },
};

describe.each(backendNames)('CSI deviations csi-sanity found (%s)', (backendName) => {
  let s: Scenario | undefined;
  afterEach(async () => {
    try {
      expect(await s?.backend.audit()).toEqual([]);
    } finally {
      await s?.stop();
      s = undefined;
    }
  });

  const create = (sc: Scenario, name: string) =>
    sc.driver.client.controller('CreateVolume', {
      name,
      capacityRange: { requiredBytes: GiB },
      volumeCapabilities: [mount],
      parameters: sc.backend.parameters,
      secrets: sc.backend.secrets,
    });
  const publish = (sc: Scenario, volumeId: string, nodeId: string, readonly: boolean) =>
    sc.driver.client.controller('ControllerPublishVolume', {
      volumeId,
      nodeId,
      volumeCapability: mount,
      readonly,
      secrets: sc.backend.secrets,
      volumeContext: {},
    });
  const cleanUp = async (sc: Scenario, volumes: string[], nodes: string[]) => {
    for (const volumeId of volumes) {
      for (const nodeId of nodes) {
        await sc.driver.client.controller('ControllerUnpublishVolume', {
          volumeId,
          nodeId,
          secrets: sc.backend.secrets,
        });
      }
      await sc.driver.client.controller('DeleteVolume', { volumeId, secrets: sc.backend.secrets });
    }
  };

  it('answers ALREADY_EXISTS to a publish to the same node with other read-only access, also after a CSP restart', async () => {
    s = await startScenario(backendName);
    const node = testNodeId('worker-ro');
    const volumeId = (await create(s, 'publish-readonly')).volume?.volumeId as string;
    await publish(s, volumeId, node, false);
    expect(await codeOf(publish(s, volumeId, node, false))).toBe(status.OK);
    expect(await codeOf(publish(s, volumeId, node, true))).toBe(status.ALREADY_EXISTS);
    await s.backend.restart();
    expect(await codeOf(publish(s, volumeId, node, true))).toBe(status.ALREADY_EXISTS);
    expect(await codeOf(publish(s, volumeId, node, false))).toBe(status.OK);
    await s.driver.client.controller('ControllerUnpublishVolume', {
      volumeId,
      nodeId: node,
      secrets: s.backend.secrets,
    });
    const context = (await publish(s, volumeId, node, true)).publishContext;
    expect(context.readOnly).toBe('true');
    expect(await codeOf(publish(s, volumeId, node, false))).toBe(status.ALREADY_EXISTS);
    await cleanUp(s, [volumeId], [node]);
    await s.backend.removeHost('worker-ro');
  });

  it('takes any CSI name: idempotent by name, similar names kept apart, pvc names unchanged', async () => {
    s = await startScenario(backendName);
    const odd = 'sanity-max-attach-limit-vol+1-6535ff30-74c80a29';
    const long = `ünïcode name/with spaces ${'é'.repeat(40)}`.slice(0, 64);
    const ids: string[] = [];
    for (const name of [odd, odd.replace('+', '-'), odd.replace('+', ' '), long, 'pvc-2c8f1a8e-0f6b-4c1d']) {
      const first = await create(s, name);
      const again = await create(s, name);
      expect(again.volume?.volumeId, name).toBe(first.volume?.volumeId);
      ids.push(first.volume?.volumeId as string);
    }
    expect(new Set(ids).size).toBe(ids.length);
    const names = (await s.driver.client.controller('ListVolumes', {})).entries.map((e) => e.volume?.volumeId);
    expect(names).toEqual(expect.arrayContaining(ids));
    expect(await codeOf(create(s, 'bad\u0001name'))).toBe(status.INVALID_ARGUMENT);
    await cleanUp(s, ids, []);
  });

  it('refuses one publish more than --max-volumes-per-node with RESOURCE_EXHAUSTED', async () => {
    s = await startScenario(backendName, { maxVolumesPerNode: 2 });
    const node = testNodeId('worker-full');
    const [a, b, c] = [
      (await create(s, 'limit-a')).volume?.volumeId as string,
      (await create(s, 'limit-b')).volume?.volumeId as string,
      (await create(s, 'limit-c')).volume?.volumeId as string,
    ];
    await publish(s, a, node, false);
    await publish(s, b, node, false);
    expect(await codeOf(publish(s, a, node, false))).toBe(status.OK);
    expect(await codeOf(publish(s, c, node, false))).toBe(status.RESOURCE_EXHAUSTED);
    expect(await codeOf(publish(s, c, testNodeId('worker-other'), false))).toBe(status.OK);
    await s.driver.client.controller('ControllerUnpublishVolume', {
      volumeId: a,
      nodeId: node,
      secrets: s.backend.secrets,
    });
    expect(await codeOf(publish(s, c, node, false))).toBe(status.OK);
    await cleanUp(s, [a, b, c], [node, testNodeId('worker-other')]);
    await s.backend.removeHost('worker-full');
    await s.backend.removeHost('worker-other');
  });
});
