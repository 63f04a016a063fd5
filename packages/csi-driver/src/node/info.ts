// NodeGetInfo and NodeGetCapabilities.
import { readInitiatorNames } from '../host/initiator.js';
import type { NodeContext } from './context.js';
import type { NodeCapabilityType, NodeGetCapabilitiesResponse, NodeGetInfoResponse } from './messages.js';
import { nodeIdFor } from './node-id.js';

/** What the node service implements. SINGLE_NODE_MULTI_WRITER: several targets per volume on one node. */
export const nodeCapabilities: readonly NodeCapabilityType[] = [
  'STAGE_UNSTAGE_VOLUME',
  'EXPAND_VOLUME',
  'GET_VOLUME_STATS',
  'VOLUME_CONDITION',
  'SINGLE_NODE_MULTI_WRITER',
];

export function getCapabilities(): NodeGetCapabilitiesResponse {
  return { capabilities: nodeCapabilities.map((type) => ({ rpc: { type } })) };
}

export async function getInfo(ctx: NodeContext): Promise<NodeGetInfoResponse> {
  const iqns = ctx.options.initiatorNames ?? (await readInitiatorNames(ctx.files));
  const nodeId = nodeIdFor(ctx.options.nodeName, iqns, ctx.options.networks ?? []);
  const topology = ctx.options.topology;
  return {
    nodeId,
    maxVolumesPerNode: ctx.options.maxVolumesPerNode,
    accessibleTopology: topology && Object.keys(topology).length > 0 ? { segments: { ...topology } } : null,
  };
}
