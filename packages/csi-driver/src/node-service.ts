// The registration point of the Node service. The node half (src/node/) supplies a
// `NodeHandlers` implementation; until it is plugged in, every Node RPC answers UNIMPLEMENTED
// and nothing node-side is advertised as working.
import type { NodeHandlers } from './csi-types.js';
import { unimplemented, type WrapContext } from './grpc/wrapper.js';

const nodeRpcs = [
  'NodeStageVolume',
  'NodeUnstageVolume',
  'NodePublishVolume',
  'NodeUnpublishVolume',
  'NodeGetVolumeStats',
  'NodeExpandVolume',
  'NodeGetCapabilities',
  'NodeGetInfo',
] as const;

export function unimplementedNodeService(wrap: WrapContext): NodeHandlers {
  const handlers: Record<string, unknown> = {};
  for (const rpc of nodeRpcs) {
    handlers[rpc] = unimplemented(rpc, 'this build of the driver has no node service', wrap);
  }
  return handlers as unknown as NodeHandlers;
}
