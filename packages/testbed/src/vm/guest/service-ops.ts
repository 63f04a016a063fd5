// The VM scenario's node operations done by the driver's own NodeService, exactly as the CSI node
// plugin runs them on a real node: real iSCSI transport (iscsiadm, CHAP, login on every portal,
// multipath), filesystems and mounts, host tools run directly (the plugin is root on the host),
// per-volume state in a state directory. Each operation runs in a fresh process, so stage → expand
// → unstage also proves that the state file carries everything across plugin restarts.
import {
  FileStateStore,
  type HostFiles,
  IscsiTransport,
  NodeService,
  type NodeStageVolumeRequest,
  RootedHostFiles,
  type Runner,
  realClock,
  SpawnRunner,
} from '@opencsp/csi-driver/node';
import { checkAllocatable } from './allocatable.js';
import type { NodeOps, Part } from './ops.js';
import type { GuestVolume } from './volume.js';

export const stateDir = '/run/opencsp-node';
export const volumeId = 'vm-e2e-volume';

/** The node service on the guest's host tools; `wrap` may instrument its runner and files (the stage benchmark). */
export function nodeService(
  wrap: { runner?: (r: Runner) => Runner; files?: (f: HostFiles) => HostFiles } = {},
): NodeService {
  const runner = (wrap.runner ?? ((r) => r))(new SpawnRunner({ kind: 'direct' }));
  const files = (wrap.files ?? ((f) => f))(new RootedHostFiles('/'));
  return new NodeService({
    runner,
    files,
    store: new FileStateStore(stateDir),
    clock: realClock,
    transports: [new IscsiTransport({ runner, files, clock: realClock, multipath: 'required' })],
    options: { nodeName: 'vm-e2e' },
  });
}

export function capability(v: GuestVolume): NodeStageVolumeRequest['volumeCapability'] {
  return {
    mount: { fsType: v.fsType, mountFlags: [], volumeMountGroup: '' },
    accessMode: { mode: 'SINGLE_NODE_WRITER' },
    accessType: 'mount',
  };
}

/** The node-stage secret as the StorageClass would carry it (docs/architecture.md). */
export function secrets(v: GuestVolume): Record<string, string> {
  const out: Record<string, string> = { chapUser: v.chap.username, chapPassword: v.chap.password };
  if (v.chap.usernameIn && v.chap.passwordIn) {
    out.chapMutualUser = v.chap.usernameIn;
    out.chapMutualPassword = v.chap.passwordIn;
  }
  return out;
}

/** The publish context ControllerPublishVolume would hand the node. */
export function publishContext(v: GuestVolume): Record<string, string> {
  return {
    serialNumber: v.serial,
    accessProtocol: 'iscsi',
    targetNames: v.targetIqn,
    discoveryIps: v.portals.join(','),
    lunId: String(v.lun),
    targetScope: 'volume',
    fsType: v.fsType,
  };
}

export class ServiceOps implements NodeOps {
  constructor(
    private readonly part: Part,
    private readonly service: NodeService = nodeService(),
  ) {}

  async stage(v: GuestVolume): Promise<void> {
    const request: NodeStageVolumeRequest = {
      volumeId,
      publishContext: publishContext(v),
      stagingTargetPath: v.stagingPath,
      volumeCapability: capability(v),
      secrets: secrets(v),
      volumeContext: {},
    };
    await this.part('stage/NodeStageVolume', () => this.service.nodeStageVolume(request));
    await this.part('stage/NodeStageVolume_again', () => this.service.nodeStageVolume(request));
    const stats = await this.part('stage/NodeGetVolumeStats', () =>
      this.service.nodeGetVolumeStats({ volumeId, volumePath: v.stagingPath, stagingTargetPath: v.stagingPath }),
    );
    if (stats.volumeCondition?.abnormal) {
      throw new Error(`volume condition abnormal after stage: ${stats.volumeCondition.message}`);
    }
    await this.part('stage/NodeGetInfo_allocatable', () => checkAllocatable(stateDir));
  }

  async expand(v: GuestVolume): Promise<void> {
    const required = v.requiredBytes;
    if (required === undefined) {
      throw new Error('expand needs E2E_REQUIRED_BYTES');
    }
    const answer = await this.part('expand/NodeExpandVolume', () =>
      this.service.nodeExpandVolume({
        volumeId,
        volumePath: v.stagingPath,
        capacityRange: { requiredBytes: required, limitBytes: 0 },
        stagingTargetPath: v.stagingPath,
        volumeCapability: capability(v),
        secrets: {},
      }),
    );
    if (Number(answer.capacityBytes ?? 0) < required) {
      throw new Error(`NodeExpandVolume answered ${answer.capacityBytes} bytes, below ${required}`);
    }
  }

  async unstage(v: GuestVolume): Promise<void> {
    const request = { volumeId, stagingTargetPath: v.stagingPath };
    await this.part('unstage/NodeUnstageVolume', () => this.service.nodeUnstageVolume(request));
    await this.part('unstage/NodeUnstageVolume_again', () => this.service.nodeUnstageVolume(request));
  }
}
