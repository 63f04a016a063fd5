// Our own CSI checks, registered as vitest suites against the driver in front of any backend. They
// are only what upstream csi-sanity (`pnpm sanity`, docs/testing.md) does not check:
// - every controller capability the driver advertises is implemented, and every other one answers
//   UNIMPLEMENTED (csi-sanity only runs the specs of advertised capabilities);
// - ControllerGetVolume: INVALID_ARGUMENT without a volume id, NOT_FOUND for an unknown one
//   (csi-sanity has no GET_VOLUME specs);
// - NOT_FOUND for ControllerExpandVolume and CreateSnapshot of an unknown volume, OK for
//   ControllerUnpublishVolume of one (csi-sanity checks only missing fields there);
// - ValidateVolumeCapabilities confirms a capability the volume was created with (csi-sanity
//   accepts an answer without confirmation);
// - ListVolumes pages with max_entries and next_token through every volume (csi-sanity's paging
//   spec is pending upstream);
// - the backend's leak audit is empty afterwards (also checked by `pnpm sanity`, here for the
//   memory CSP too).
// Everything else csi-sanity covers (Identity, required fields, NOT_FOUND for unknown ids,
// idempotent create and snapshot by name) runs in `pnpm sanity` only.
import { status } from '@grpc/grpc-js';
import type * as csi from '@opencsp/csi-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CsiClient, isGrpcError } from '../harness/client.js';

export interface SanityTarget {
  client: CsiClient;
  /** Secrets every RPC that takes them gets (all StorageClass roles point at one Secret). */
  secrets: Record<string, string>;
  /** StorageClass parameters the backend accepts. */
  parameters: Record<string, string>;
  nodeId: string;
  /** Leak audit of the backend; must be empty after the suite. */
  audit?(): Promise<string[]>;
  stop(): Promise<void>;
}

const GiB = 1024 ** 3;
const unknownId = 'sanity-unknown-id-0000';
const mount: csi.VolumeCapability = {
  mount: { fsType: 'ext4', mountFlags: [] },
  accessMode: { mode: 'SINGLE_NODE_WRITER' },
};

export async function grpcCode(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return status.OK;
  } catch (err) {
    if (isGrpcError(err)) {
      return err.code;
    }
    throw err;
  }
}

/** Calls each controller capability's RPC to see whether it is implemented. */
const probesByCapability: Partial<Record<csi.ControllerRpcType, (t: SanityTarget) => Promise<unknown>>> = {
  LIST_VOLUMES: (t) => t.client.controller('ListVolumes', {}),
  GET_CAPACITY: (t) => t.client.controller('GetCapacity', { parameters: t.parameters }),
  LIST_SNAPSHOTS: (t) => t.client.controller('ListSnapshots', { secrets: t.secrets }),
  GET_VOLUME: (t) => t.client.controller('ControllerGetVolume', { volumeId: unknownId }),
  GET_SNAPSHOT: (t) => t.client.controller('GetSnapshot', { snapshotId: unknownId, secrets: t.secrets }),
  EXPAND_VOLUME: (t) =>
    t.client.controller('ControllerExpandVolume', {
      volumeId: unknownId,
      capacityRange: { requiredBytes: GiB },
      secrets: t.secrets,
    }),
  MODIFY_VOLUME: (t) =>
    t.client.controller('ControllerModifyVolume', {
      volumeId: unknownId,
      secrets: t.secrets,
      mutableParameters: { sanityKey: '1' },
    }),
};

export function controllerSanity(name: string, setup: () => Promise<SanityTarget>): void {
  describe(`CSI sanity beyond csi-sanity: ${name}`, () => {
    let t: SanityTarget;
    const created: string[] = [];

    const createVolume = async (volumeName: string) => {
      const response = await t.client.controller('CreateVolume', {
        name: volumeName,
        capacityRange: { requiredBytes: GiB },
        volumeCapabilities: [mount],
        parameters: t.parameters,
        secrets: t.secrets,
      });
      const id = response.volume?.volumeId as string;
      if (!created.includes(id)) {
        created.push(id);
      }
      return response;
    };

    beforeAll(async () => {
      t = await setup();
    });
    afterAll(async () => {
      try {
        for (const volumeId of created) {
          await t.client.controller('DeleteVolume', { volumeId, secrets: t.secrets });
        }
        if (t.audit) {
          expect(await t.audit()).toEqual([]);
        }
      } finally {
        await t?.stop();
      }
    });

    it('implements every advertised controller capability and answers UNIMPLEMENTED for the others', async () => {
      const caps = await t.client.controller('ControllerGetCapabilities', {});
      const advertised = new Set(caps.capabilities.map((c) => c.rpc?.type));
      for (const [capability, probe] of Object.entries(probesByCapability)) {
        const code = await grpcCode(probe(t));
        if (advertised.has(capability as csi.ControllerRpcType)) {
          expect(code, `${capability} is advertised`).not.toBe(status.UNIMPLEMENTED);
        } else {
          expect(code, `${capability} is not advertised`).toBe(status.UNIMPLEMENTED);
        }
      }
    });

    it('answers ControllerGetVolume without an id with INVALID_ARGUMENT, for an unknown one NOT_FOUND', async () => {
      expect(await grpcCode(t.client.controller('ControllerGetVolume', {}))).toBe(status.INVALID_ARGUMENT);
      expect(await grpcCode(t.client.controller('ControllerGetVolume', { volumeId: unknownId }))).toBe(
        status.NOT_FOUND,
      );
    });

    it('answers NOT_FOUND to expanding or snapshotting an unknown volume, OK to unpublishing it', async () => {
      const { client, secrets, nodeId } = t;
      const expand = client.controller('ControllerExpandVolume', {
        volumeId: unknownId,
        capacityRange: { requiredBytes: GiB },
        secrets,
      });
      expect(await grpcCode(expand)).toBe(status.NOT_FOUND);
      const snapshot = client.controller('CreateSnapshot', { sourceVolumeId: unknownId, name: 'sanity-snap', secrets });
      expect(await grpcCode(snapshot)).toBe(status.NOT_FOUND);
      const unpublish = client.controller('ControllerUnpublishVolume', { volumeId: unknownId, nodeId, secrets });
      expect(await grpcCode(unpublish)).toBe(status.OK);
    });

    it('confirms the capabilities a volume was created with', async () => {
      const volume = await createVolume('sanity-validate');
      const answer = await t.client.controller('ValidateVolumeCapabilities', {
        volumeId: volume.volume?.volumeId as string,
        volumeContext: volume.volume?.volumeContext ?? {},
        volumeCapabilities: [mount],
        secrets: t.secrets,
      });
      expect(answer.confirmed?.volumeCapabilities).toHaveLength(1);
    });

    it('pages through ListVolumes with max_entries and next_token', async () => {
      await createVolume('sanity-list-a');
      await createVolume('sanity-list-b');
      const ids: string[] = [];
      let token = '';
      do {
        const page = await t.client.controller('ListVolumes', { maxEntries: 1, startingToken: token });
        expect(page.entries.length).toBeLessThanOrEqual(1);
        ids.push(...page.entries.map((e) => e.volume?.volumeId as string));
        token = page.nextToken;
      } while (token);
      for (const id of created) {
        expect(ids).toContain(id);
      }
      expect(new Set(ids).size).toBe(ids.length);
    });
  });
}
