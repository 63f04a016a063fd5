// Our own CSI conformance suite, in the spirit of kubernetes-csi's csi-sanity: idempotency,
// NOT_FOUND for unknown ids, required fields, and capabilities that match what is implemented.
// It registers vitest suites against any target (driver + any CSP backend fixture).
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

/** Calls each advertised controller capability's RPC and checks it is not UNIMPLEMENTED. */
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
  MODIFY_VOLUME: (t) => t.client.controller('ControllerModifyVolume', { volumeId: unknownId, secrets: t.secrets }),
};

export function controllerSanity(name: string, setup: () => Promise<SanityTarget>): void {
  describe(`CSI sanity: ${name}`, () => {
    let t: SanityTarget;
    const created: string[] = [];
    const createdSnapshots: string[] = [];

    const createVolume = async (volumeName: string, size = GiB) => {
      const response = await t.client.controller('CreateVolume', {
        name: volumeName,
        capacityRange: { requiredBytes: size },
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
        for (const snapshotId of createdSnapshots) {
          await t.client.controller('DeleteSnapshot', { snapshotId, secrets: t.secrets });
        }
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

    describe('Identity', () => {
      it('names the plugin in DNS notation with a version', async () => {
        const info = await t.client.identity('GetPluginInfo', {});
        expect(info.name).toMatch(/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/i);
        expect(info.vendorVersion).not.toBe('');
      });
      it('advertises the controller service and answers Probe', async () => {
        const caps = await t.client.identity('GetPluginCapabilities', {});
        expect(caps.capabilities.map((c) => c.service?.type)).toContain('CONTROLLER_SERVICE');
        const probe = await t.client.identity('Probe', {});
        expect(probe.ready?.value ?? true).toBe(true);
      });
    });

    describe('capability consistency', () => {
      it('implements every advertised capability and nothing else', async () => {
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
    });

    describe('required fields', () => {
      const empty: [keyof import('../harness/client.js').ControllerCalls, object][] = [
        ['CreateVolume', {}],
        ['DeleteVolume', {}],
        ['ControllerPublishVolume', {}],
        ['ControllerUnpublishVolume', {}],
        ['ValidateVolumeCapabilities', {}],
        ['CreateSnapshot', {}],
        ['DeleteSnapshot', {}],
        ['ControllerExpandVolume', {}],
        ['ControllerGetVolume', {}],
        ['GetSnapshot', {}],
      ];
      for (const [rpc, request] of empty) {
        it(`${rpc} without its required fields is INVALID_ARGUMENT`, async () => {
          expect(await grpcCode(t.client.controller(rpc, request as never))).toBe(status.INVALID_ARGUMENT);
        });
      }
    });

    describe('unknown ids', () => {
      it('answers NOT_FOUND where the object must exist', async () => {
        const { client, secrets, nodeId } = t;
        expect(
          await grpcCode(
            client.controller('ControllerPublishVolume', {
              volumeId: unknownId,
              nodeId,
              volumeCapability: mount,
              secrets,
            }),
          ),
        ).toBe(status.NOT_FOUND);
        expect(
          await grpcCode(
            client.controller('ValidateVolumeCapabilities', {
              volumeId: unknownId,
              volumeCapabilities: [mount],
              secrets,
            }),
          ),
        ).toBe(status.NOT_FOUND);
        expect(
          await grpcCode(
            client.controller('ControllerExpandVolume', {
              volumeId: unknownId,
              capacityRange: { requiredBytes: GiB },
              secrets,
            }),
          ),
        ).toBe(status.NOT_FOUND);
        expect(
          await grpcCode(
            client.controller('CreateSnapshot', { sourceVolumeId: unknownId, name: 'sanity-snap', secrets }),
          ),
        ).toBe(status.NOT_FOUND);
        expect(await grpcCode(client.controller('ControllerGetVolume', { volumeId: unknownId }))).toBe(
          status.NOT_FOUND,
        );
        expect(await grpcCode(client.controller('GetSnapshot', { snapshotId: unknownId, secrets }))).toBe(
          status.NOT_FOUND,
        );
      });
      it('treats deleting or unpublishing something unknown as done', async () => {
        const { client, secrets, nodeId } = t;
        expect(await grpcCode(client.controller('DeleteVolume', { volumeId: unknownId, secrets }))).toBe(status.OK);
        expect(await grpcCode(client.controller('DeleteSnapshot', { snapshotId: unknownId, secrets }))).toBe(status.OK);
        expect(
          await grpcCode(client.controller('ControllerUnpublishVolume', { volumeId: unknownId, nodeId, secrets })),
        ).toBe(status.OK);
      });
      it('lists nothing for an unknown snapshot or source volume', async () => {
        const bySnapshot = await t.client.controller('ListSnapshots', { snapshotId: unknownId, secrets: t.secrets });
        expect(bySnapshot.entries).toEqual([]);
        const byVolume = await t.client.controller('ListSnapshots', { sourceVolumeId: unknownId, secrets: t.secrets });
        expect(byVolume.entries).toEqual([]);
      });
    });

    describe('idempotency', () => {
      it('returns the same volume for the same name, and ALREADY_EXISTS for an incompatible size', async () => {
        const first = await createVolume('sanity-idempotent');
        const second = await createVolume('sanity-idempotent');
        expect(second.volume?.volumeId).toBe(first.volume?.volumeId);
        const bigger = t.client.controller('CreateVolume', {
          name: 'sanity-idempotent',
          capacityRange: { requiredBytes: 4 * GiB, limitBytes: 4 * GiB },
          volumeCapabilities: [mount],
          parameters: t.parameters,
          secrets: t.secrets,
        });
        expect(await grpcCode(bigger)).toBe(status.ALREADY_EXISTS);
      });
      it('returns the same snapshot for the same name and source', async () => {
        const volume = await createVolume('sanity-snap-source');
        const request = { sourceVolumeId: volume.volume?.volumeId as string, name: 'sanity-snap', secrets: t.secrets };
        const first = await t.client.controller('CreateSnapshot', request);
        createdSnapshots.push(first.snapshot?.snapshotId as string);
        const second = await t.client.controller('CreateSnapshot', request);
        expect(second.snapshot?.snapshotId).toBe(first.snapshot?.snapshotId);
        const got = await t.client.controller('GetSnapshot', {
          snapshotId: first.snapshot?.snapshotId as string,
          secrets: t.secrets,
        });
        expect(got.snapshot?.sourceVolumeId).toBe(request.sourceVolumeId);
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
    });

    describe('listing', () => {
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
      });
    });
  });
}
