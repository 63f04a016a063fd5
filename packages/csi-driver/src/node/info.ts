// NodeGetInfo and NodeGetCapabilities.
import { failedPrecondition, isDriverError } from '../errors.js';
import { readInitiatorNames } from '../host/initiator.js';
import { type NvmeHostIdentity, readNvmeHost } from '../host/nvme-host.js';
import type { AllocatableVolumes } from './allocatable.js';
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

/** The node's NVMe identity per the `nvme` option; FAILED_PRECONDITION when `on` finds none. */
async function nvmeIdentity(ctx: NodeContext): Promise<NvmeHostIdentity | undefined> {
  const mode = ctx.options.nvme ?? 'auto';
  if (mode === 'off') {
    return undefined;
  }
  const identity = ctx.options.nvmeHost ?? (await readNvmeHost(ctx.files));
  if (!identity && mode === 'on') {
    throw failedPrecondition(
      'NVMe/TCP is on (--nvme on) but /etc/nvme/hostnqn does not exist: install nvme-cli and run nvme gen-hostnqn > /etc/nvme/hostnqn',
    );
  }
  return identity;
}

/** iSCSI initiator names; a node with an NVMe identity may have none (an NVMe-only node). */
async function initiatorNames(ctx: NodeContext, nvme: NvmeHostIdentity | undefined): Promise<readonly string[]> {
  if (ctx.options.initiatorNames) {
    return ctx.options.initiatorNames;
  }
  try {
    return await readInitiatorNames(ctx.files);
  } catch (err) {
    if (nvme && isDriverError(err) && err.kind === 'FailedPrecondition') {
      return [];
    }
    throw err;
  }
}

export async function getInfo(ctx: NodeContext, allocatable: AllocatableVolumes): Promise<NodeGetInfoResponse> {
  const nvme = await nvmeIdentity(ctx);
  const iqns = await initiatorNames(ctx, nvme);
  const nodeId = nodeIdFor(ctx.options.nodeName, iqns, ctx.options.networks ?? [], nvme ? [nvme.hostnqn] : []);
  const topology = ctx.options.topology;
  return {
    nodeId,
    maxVolumesPerNode: await allocatable.count(ctx),
    accessibleTopology: topology && Object.keys(topology).length > 0 ? { segments: { ...topology } } : null,
  };
}
