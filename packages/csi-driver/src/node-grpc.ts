// The Node service over gRPC: every RPC of the NodeService class through the one wrapper (logging
// with secrets and mount flags removed, error mapping). The class validates requests and holds
// the per-volume locks itself (ABORTED for a concurrent duplicate), so no wrapper keys are taken:
// in --mode all a controller call on the same volume must not collide with a node call.
import type { NodeHandlers } from './csi-types.js';
import { unary, type WrapContext } from './grpc/wrapper.js';
import type { NodeService } from './node/service.js';

export function nodeGrpcService(service: NodeService, wrap: WrapContext): NodeHandlers {
  return {
    NodeStageVolume: unary('NodeStageVolume', { handle: (req) => service.nodeStageVolume(req) }, wrap),
    NodeUnstageVolume: unary('NodeUnstageVolume', { handle: (req) => service.nodeUnstageVolume(req) }, wrap),
    NodePublishVolume: unary('NodePublishVolume', { handle: (req) => service.nodePublishVolume(req) }, wrap),
    NodeUnpublishVolume: unary('NodeUnpublishVolume', { handle: (req) => service.nodeUnpublishVolume(req) }, wrap),
    NodeGetVolumeStats: unary(
      'NodeGetVolumeStats',
      { quiet: true, handle: (req) => service.nodeGetVolumeStats(req) },
      wrap,
    ),
    NodeExpandVolume: unary('NodeExpandVolume', { handle: (req) => service.nodeExpandVolume(req) }, wrap),
    NodeGetCapabilities: unary(
      'NodeGetCapabilities',
      { quiet: true, handle: () => service.nodeGetCapabilities() },
      wrap,
    ),
    NodeGetInfo: unary('NodeGetInfo', { handle: () => service.nodeGetInfo() }, wrap),
  };
}
