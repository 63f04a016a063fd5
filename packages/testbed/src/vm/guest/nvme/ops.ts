// The NVMe/TCP VM scenario's node operations, done by the driver's own NodeService with its
// NvmeTransport exactly as the CSI node plugin runs them on a real node: nvme-cli connects to
// every port, native NVMe multipath, the namespace verified by NGUID and UUID, the shared
// filesystem code, per-volume state in a state directory. Each operation runs in a fresh process.
import {
  FileStateStore,
  isDriverError,
  NodeService,
  type NodeStageVolumeRequest,
  NvmeTransport,
  RootedHostFiles,
  realClock,
  SpawnRunner,
} from '@opencsp/csi-driver/node';
import { checkAllocatable } from '../allocatable.js';

export const stateDir = '/run/opencsp-node';
export const volumeId = 'vm-e2e-nvme-volume';

/** The volume as the guest runner describes it (publish context, node-stage secret, paths). */
export interface NvmeGuestVolume {
  subnqn: string;
  portals: string[];
  nsid: number;
  nguid: string;
  uuid: string;
  auth: 'plain' | 'dhchap';
  dhchapKey: string;
  dhchapCtrlKey: string;
  fsType: string;
  stagingPath: string;
  requiredBytes: number | undefined;
}

function need(env: NodeJS.ProcessEnv, key: string): string {
  const value = env[key];
  if (!value) {
    throw new Error(`${key} is not set`);
  }
  return value;
}

export function nvmeVolumeFromEnv(env: NodeJS.ProcessEnv): NvmeGuestVolume {
  const auth = need(env, 'E2E_AUTH');
  if (auth !== 'plain' && auth !== 'dhchap') {
    throw new Error(`E2E_AUTH: ${JSON.stringify(auth)} is not plain or dhchap`);
  }
  const required = env.E2E_REQUIRED_BYTES ? Number(env.E2E_REQUIRED_BYTES) : undefined;
  return {
    subnqn: need(env, 'E2E_SUBNQN'),
    portals: need(env, 'E2E_PORTALS').split(','),
    nsid: Number(need(env, 'E2E_NSID')),
    nguid: need(env, 'E2E_NGUID'),
    uuid: need(env, 'E2E_NS_UUID'),
    auth,
    dhchapKey: env.E2E_DHCHAP_KEY ?? '',
    dhchapCtrlKey: env.E2E_DHCHAP_CTRL_KEY ?? '',
    fsType: need(env, 'E2E_FS_TYPE'),
    stagingPath: need(env, 'E2E_STAGING'),
    requiredBytes: required,
  };
}

export function nvmeSecrets(v: NvmeGuestVolume): string[] {
  return [v.dhchapKey, v.dhchapCtrlKey].filter((s) => s !== '');
}

function service(): NodeService {
  const runner = new SpawnRunner({ kind: 'direct' });
  const files = new RootedHostFiles('/');
  const store = new FileStateStore(stateDir);
  return new NodeService({
    runner,
    files,
    store,
    clock: realClock,
    transports: [new NvmeTransport({ runner, files, clock: realClock, multipath: 'required', store })],
    options: { nodeName: 'vm-e2e', nvme: 'on' },
  });
}

function capability(v: NvmeGuestVolume): NodeStageVolumeRequest['volumeCapability'] {
  return {
    mount: { fsType: v.fsType, mountFlags: [], volumeMountGroup: '' },
    accessMode: { mode: 'SINGLE_NODE_WRITER' },
    accessType: 'mount',
  };
}

/** What ControllerPublishVolume hands the node for a TrueNAS NVMe/TCP volume (docs/architecture.md). */
function publishContext(v: NvmeGuestVolume): Record<string, string> {
  return {
    accessProtocol: 'nvmetcp',
    targetNames: v.subnqn,
    discoveryIps: v.portals.join(','),
    lunId: String(v.nsid),
    serialNumber: v.nguid,
    namespaceUuid: v.uuid,
    dhchap: v.auth === 'dhchap' ? 'bidirectional' : 'none',
    targetScope: 'volume',
    fsType: v.fsType,
  };
}

function secrets(v: NvmeGuestVolume): Record<string, string> {
  return v.auth === 'dhchap' ? { dhchapKey: v.dhchapKey, dhchapCtrlKey: v.dhchapCtrlKey } : {};
}

export type Part = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

export class NvmeServiceOps {
  constructor(
    private readonly part: Part,
    private readonly node: NodeService = service(),
  ) {}

  async stage(v: NvmeGuestVolume): Promise<void> {
    const request: NodeStageVolumeRequest = {
      volumeId,
      publishContext: publishContext(v),
      stagingTargetPath: v.stagingPath,
      volumeCapability: capability(v),
      secrets: secrets(v),
      volumeContext: {},
    };
    await this.part('stage/NodeGetInfo', () => this.node.nodeGetInfo());
    await this.part('stage/NodeStageVolume', () => this.node.nodeStageVolume(request));
    await this.part('stage/NodeGetInfo_allocatable', () => checkAllocatable(stateDir, { nvme: 'on' }));
  }

  async stats(v: NvmeGuestVolume): Promise<string> {
    const stats = await this.node.nodeGetVolumeStats({
      volumeId,
      volumePath: v.stagingPath,
      stagingTargetPath: v.stagingPath,
    });
    return `abnormal=${stats.volumeCondition?.abnormal} ${stats.volumeCondition?.message ?? ''}`;
  }

  async expand(v: NvmeGuestVolume): Promise<void> {
    const required = v.requiredBytes;
    if (required === undefined) {
      throw new Error('expand needs E2E_REQUIRED_BYTES');
    }
    const answer = await this.part('expand/NodeExpandVolume', () =>
      this.node.nodeExpandVolume({
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

  async unstage(v: NvmeGuestVolume): Promise<void> {
    const request = { volumeId, stagingTargetPath: v.stagingPath };
    await this.part('unstage/NodeUnstageVolume', () => this.node.nodeUnstageVolume(request));
  }
}

/** A failure as one line: the gRPC-level kind of a driver error first. */
export function describeError(error: unknown): string {
  return isDriverError(error) ? `${error.kind}: ${error.message}` : (error as Error).message;
}
