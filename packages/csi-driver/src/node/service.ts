// The CSI Node service as a plain class: one method per RPC, taking and returning the message
// shapes of messages.ts and throwing DriverErrors. The gRPC layer wraps it; nothing here imports
// gRPC. Each method is safe to call twice and under concurrency (per-volume try-lock → ABORTED).
import { type Clock, realClock } from '../host/clock.js';
import type { HostFiles } from '../host/files.js';
import type { Runner } from '../host/runner.js';
import type { NodeMetrics } from '../metrics/types.js';
import type { StateStore } from '../state/store.js';
import { AllocatableVolumes } from './allocatable.js';
import { defaultNodeOptions, type NodeContext, type NodeOptions } from './context.js';
import { expandVolume } from './expand.js';
import { getCapabilities, getInfo } from './info.js';
import { KeyedMutex } from './locks.js';
import { type NodeLogger, silentLogger } from './logger.js';
import type {
  NodeExpandVolumeRequest,
  NodeExpandVolumeResponse,
  NodeGetCapabilitiesResponse,
  NodeGetInfoResponse,
  NodeGetVolumeStatsRequest,
  NodeGetVolumeStatsResponse,
  NodePublishVolumeRequest,
  NodePublishVolumeResponse,
  NodeStageVolumeRequest,
  NodeStageVolumeResponse,
  NodeUnpublishVolumeRequest,
  NodeUnpublishVolumeResponse,
  NodeUnstageVolumeRequest,
  NodeUnstageVolumeResponse,
} from './messages.js';
import { publishVolume } from './publish.js';
import { type Finding, reconcile } from './reconcile.js';
import { stageVolume } from './stage.js';
import { volumeStats } from './stats.js';
import type { Transport } from './transport.js';
import { unpublishVolume } from './unpublish.js';
import { unstageVolume } from './unstage.js';

export interface NodeServiceDeps {
  readonly runner: Runner;
  readonly files: HostFiles;
  readonly store: StateStore;
  /** By accessProtocol (iscsi...). */
  readonly transports: readonly Transport[] | ReadonlyMap<string, Transport>;
  readonly options: Partial<NodeOptions> & Pick<NodeOptions, 'nodeName'>;
  readonly clock?: Clock;
  readonly logger?: NodeLogger;
  /** Stage and attach times, path health, staged volumes (metrics on). */
  readonly metrics?: NodeMetrics;
}

export class NodeService {
  private readonly ctx: NodeContext;
  private readonly allocatable = new AllocatableVolumes();

  constructor(deps: NodeServiceDeps) {
    const transports =
      deps.transports instanceof Map
        ? deps.transports
        : new Map((deps.transports as readonly Transport[]).map((t) => [t.name, t]));
    this.ctx = {
      runner: deps.runner,
      files: deps.files,
      store: deps.store,
      transports,
      clock: deps.clock ?? realClock,
      logger: deps.logger ?? silentLogger,
      options: { ...defaultNodeOptions, ...deps.options },
      volumeLocks: new KeyedMutex(),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    };
    const { store } = deps;
    deps.metrics?.stagedVolumes(async () => (await store.list()).filter((s) => s.phase === 'staged').length);
  }

  /** Logs where the state files and the host disagree (call once at start). */
  reconcile(): Promise<Finding[]> {
    return reconcile(this.ctx);
  }

  async nodeGetInfo(): Promise<NodeGetInfoResponse> {
    return getInfo(this.ctx, this.allocatable);
  }

  async nodeGetCapabilities(): Promise<NodeGetCapabilitiesResponse> {
    return getCapabilities();
  }

  nodeStageVolume(req: NodeStageVolumeRequest): Promise<NodeStageVolumeResponse> {
    return stageVolume(this.ctx, req);
  }

  nodeUnstageVolume(req: NodeUnstageVolumeRequest): Promise<NodeUnstageVolumeResponse> {
    return unstageVolume(this.ctx, req);
  }

  nodePublishVolume(req: NodePublishVolumeRequest): Promise<NodePublishVolumeResponse> {
    return publishVolume(this.ctx, req);
  }

  nodeUnpublishVolume(req: NodeUnpublishVolumeRequest): Promise<NodeUnpublishVolumeResponse> {
    return unpublishVolume(this.ctx, req);
  }

  nodeGetVolumeStats(req: NodeGetVolumeStatsRequest): Promise<NodeGetVolumeStatsResponse> {
    return volumeStats(this.ctx, req);
  }

  nodeExpandVolume(req: NodeExpandVolumeRequest): Promise<NodeExpandVolumeResponse> {
    return expandVolume(this.ctx, req);
  }
}
