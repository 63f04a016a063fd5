// A NodeService on the real host (direct runner, real /sys, /dev and mounts) with the loop
// transport standing in for iSCSI: each volume is a sparse file named after its serialNumber.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AccessModeName,
  FileStateStore,
  type NodePublishVolumeRequest,
  NodeService,
  type NodeStageVolumeRequest,
  RootedHostFiles,
  SpawnRunner,
} from '@opencsp/csi-driver/node';
import { LoopTransport } from '../../src/loop/index.js';

export const mib = 1024 ** 2;

export interface RealNode {
  dir: string;
  service: NodeService;
  runner: SpawnRunner;
  /** Path of the backing file of a volume. */
  file(volumeId: string): string;
  /** Creates (or grows) the sparse backing file of a volume. */
  size(volumeId: string, bytes: number): Promise<void>;
}

export function createRealNode(dir: string): RealNode {
  const runner = new SpawnRunner({ kind: 'direct' });
  const files = new RootedHostFiles('/');
  const file = (volumeId: string) => join(dir, 'luns', `${volumeId}.img`);
  const transport = new LoopTransport({
    runner,
    files,
    resolve: async (pc) => file(pc.serialNumber ?? ''),
  });
  const service = new NodeService({
    runner,
    files,
    store: new FileStateStore(join(dir, 'state')),
    transports: [transport],
    options: {
      nodeName: 'loop-node',
      initiatorNames: ['iqn.2026-01.io.opencsp:loop-node'],
      unmount: { attempts: 5, retryDelayMs: 200 },
      growTimeoutMs: 5_000,
      pollIntervalMs: 100,
    },
  });
  return {
    dir,
    service,
    runner,
    file,
    size: async (volumeId, bytes) => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(dir, 'luns'), { recursive: true });
      const handle = await open(file(volumeId), 'a');
      try {
        await handle.truncate(bytes);
      } finally {
        await handle.close();
      }
    },
  };
}

export interface VolumeOptions {
  fsType?: string;
  block?: boolean;
  mode?: AccessModeName;
  context?: Record<string, string>;
}

export function stageReq(node: RealNode, volumeId: string, o: VolumeOptions = {}): NodeStageVolumeRequest {
  return {
    volumeId,
    publishContext: { accessProtocol: 'iscsi', serialNumber: volumeId, ...o.context },
    stagingTargetPath: join(node.dir, 'kubelet', 'staging', volumeId),
    volumeCapability: o.block
      ? { block: {}, mount: null, accessMode: { mode: o.mode ?? 'SINGLE_NODE_WRITER' }, accessType: 'block' }
      : {
          block: null,
          mount: { fsType: o.fsType ?? 'ext4', mountFlags: [], volumeMountGroup: '' },
          accessMode: { mode: o.mode ?? 'SINGLE_NODE_WRITER' },
          accessType: 'mount',
        },
    secrets: {},
    volumeContext: {},
  };
}

export function publishReq(
  node: RealNode,
  stage: NodeStageVolumeRequest,
  pod: string,
  readonly = false,
): NodePublishVolumeRequest {
  const isBlock = stage.volumeCapability?.accessType === 'block';
  return {
    volumeId: stage.volumeId,
    publishContext: stage.publishContext,
    stagingTargetPath: stage.stagingTargetPath,
    targetPath: isBlock
      ? join(node.dir, 'kubelet', 'publish', stage.volumeId, pod)
      : join(node.dir, 'kubelet', 'pods', pod, 'mount'),
    volumeCapability: stage.volumeCapability,
    readonly,
    secrets: {},
    volumeContext: {},
  };
}

/** Mount info of `path` from /proc/self/mountinfo (fs type, options, super options). */
export async function mountOf(
  path: string,
): Promise<{ fsType: string; options: string[]; superOptions: string[] } | undefined> {
  const { readFile } = await import('node:fs/promises');
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
  const line = lines.reverse().find((l) => l.split(' ')[4] === path);
  if (!line) {
    return undefined;
  }
  const f = line.split(' ');
  const sep = f.indexOf('-');
  return { fsType: f[sep + 1] ?? '', options: (f[5] ?? '').split(','), superOptions: (f[sep + 3] ?? '').split(',') };
}
