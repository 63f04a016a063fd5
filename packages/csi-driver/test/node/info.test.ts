import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostNetworks, nodeIdFor } from '../../src/node/node-id.js';
import { parseNodeId } from '../../src/node-id.js';
import { createHarness, driverError, type Harness, stageRequest } from './harness.js';

function networksOf(id: string): number {
  const parsed = parseNodeId(id);
  return 'problem' in parsed ? -1 : parsed.networks.length;
}

describe('node id', () => {
  it('carries hostname, IQNs and networks', () => {
    const id = nodeIdFor('worker-1', ['iqn.1993-08.org.debian:01:4f2a7b3c9d1e'], ['10.0.0.5/24', '192.168.7.5/24']);
    expect(id).toBe('worker-1;iqn.1993-08.org.debian:01:4f2a7b3c9d1e;10.0.0.5/24,192.168.7.5/24');
    expect(parseNodeId(id)).toEqual({
      hostname: 'worker-1',
      iqns: ['iqn.1993-08.org.debian:01:4f2a7b3c9d1e'],
      nqns: [],
      networks: ['10.0.0.5/24', '192.168.7.5/24'],
    });
    expect(nodeIdFor('w', ['iqn.2000-01.x:y'])).toBe('w;iqn.2000-01.x:y');
  });

  it('drops networks from the end to stay within 256 bytes and fails when IQNs alone do not fit', () => {
    const iqn = `iqn.2000-01.com.example:${'a'.repeat(180)}`;
    const cidrs = ['10.0.0.5/24', '10.1.0.5/24', '10.2.0.5/24', '10.3.0.5/24', '10.4.0.5/24', '10.5.0.5/24'];
    const id = nodeIdFor('worker-1', [iqn], cidrs);
    expect(Buffer.byteLength(id)).toBeLessThanOrEqual(256);
    expect(networksOf(id)).toBeGreaterThan(0);
    expect(networksOf(id)).toBeLessThan(cidrs.length);
    expect(() => nodeIdFor('worker-1', [iqn, `${iqn}b`])).toThrow(/bytes without networks; CSI allows 256/);
    expect(() => nodeIdFor('bad;name', [iqn])).toThrow(/contains ';'/);
    expect(() => nodeIdFor('worker-1', [])).toThrow(/no iSCSI initiator name and no NVMe host NQN/);
  });

  it('lists host networks as CIDRs without loopback', () => {
    for (const cidr of hostNetworks()) {
      expect(cidr).toMatch(/\/\d+$/);
      expect(cidr.startsWith('127.')).toBe(false);
    }
  });
});

describe('NodeGetInfo, NodeGetCapabilities and reconcile', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('reads the initiator name from the host', async () => {
    expect(await h.service.nodeGetInfo()).toEqual({
      nodeId: 'worker-1;iqn.1993-08.org.debian:01:fakenode01',
      maxVolumesPerNode: 0,
      accessibleTopology: null,
    });
    h.host.files.initiatorFile = undefined;
    const err = await driverError(() => h.service.nodeGetInfo());
    expect(err.kind).toBe('FailedPrecondition');
  });

  it('advertises what the node implements', async () => {
    expect((await h.service.nodeGetCapabilities()).capabilities.map((c) => c.rpc.type)).toEqual([
      'STAGE_UNSTAGE_VOLUME',
      'EXPAND_VOLUME',
      'GET_VOLUME_STATS',
      'VOLUME_CONDITION',
      'SINGLE_NODE_MULTI_WRITER',
    ]);
  });

  it('reports state that disagrees with the host without changing anything', async () => {
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    expect(await h.restart().reconcile()).toEqual([]);
    h.host.kernel.mounts.length = 0;
    const calls = h.host.calls.length;
    const findings = await h.restart().reconcile();
    expect(findings).toEqual([
      { volumeId: 'vol-1', message: `staged, but nothing is mounted at ${req.stagingTargetPath}` },
    ]);
    // Sessions come from sysfs: reconciling runs no host command at all.
    expect(h.host.calls.slice(calls)).toEqual([]);
  });
});
