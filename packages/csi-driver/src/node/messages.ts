// The node service's view of the CSI messages: aliases of the types generated from
// proto/csi.proto (never hand-copied). Requests are the loader's `__Output` shapes (every field
// present, unset messages null, enums as names); responses are the permissive input shapes the
// gRPC layer serialises. Only types are imported, so nothing here loads gRPC.
import type {
  CapacityRange__Output,
  NodeGetCapabilitiesResponse as GeneratedCapabilitiesResponse,
  NodeGetInfoResponse as GeneratedInfoResponse,
  NodeGetVolumeStatsResponse as GeneratedStatsResponse,
  NodeExpandVolumeRequest__Output,
  NodeExpandVolumeResponse,
  NodeGetVolumeStatsRequest__Output,
  NodePublishVolumeRequest__Output,
  NodePublishVolumeResponse,
  NodeStageVolumeRequest__Output,
  NodeStageVolumeResponse,
  NodeUnpublishVolumeRequest__Output,
  NodeUnpublishVolumeResponse,
  NodeUnstageVolumeRequest__Output,
  NodeUnstageVolumeResponse,
  VolumeCapability__Output,
} from '../csi-types.js';
import type { _csi_v1_NodeServiceCapability_RPC_Type__Output } from '../generated/csi/csi/v1/NodeServiceCapability.js';
import type { _csi_v1_VolumeCapability_AccessMode_Mode__Output } from '../generated/csi/csi/v1/VolumeCapability.js';
import type { _csi_v1_VolumeUsage_Unit__Output } from '../generated/csi/csi/v1/VolumeUsage.js';

export type StringMap = Record<string, string>;
export type AccessModeName = _csi_v1_VolumeCapability_AccessMode_Mode__Output;
export type NodeCapabilityType = _csi_v1_NodeServiceCapability_RPC_Type__Output;
export type UsageUnit = _csi_v1_VolumeUsage_Unit__Output;

export type VolumeCapability = VolumeCapability__Output;
export type CapacityRange = CapacityRange__Output;

export type NodeStageVolumeRequest = NodeStageVolumeRequest__Output;
export type NodeUnstageVolumeRequest = NodeUnstageVolumeRequest__Output;
export type NodePublishVolumeRequest = NodePublishVolumeRequest__Output;
export type NodeUnpublishVolumeRequest = NodeUnpublishVolumeRequest__Output;
export type NodeGetVolumeStatsRequest = NodeGetVolumeStatsRequest__Output;
export type NodeExpandVolumeRequest = NodeExpandVolumeRequest__Output;

export type {
  NodeExpandVolumeResponse,
  NodePublishVolumeResponse,
  NodeStageVolumeResponse,
  NodeUnpublishVolumeResponse,
  NodeUnstageVolumeResponse,
};

export interface VolumeUsage {
  available: number;
  total: number;
  used: number;
  unit: UsageUnit;
}

export interface VolumeCondition {
  abnormal: boolean;
  message: string;
}

/** Responses as the node fills them in; the checks below keep them valid generated messages. */
export interface NodeGetVolumeStatsResponse {
  usage: VolumeUsage[];
  volumeCondition: VolumeCondition | null;
}
export interface NodeGetCapabilitiesResponse {
  capabilities: { rpc: { type: NodeCapabilityType } }[];
}
export interface NodeGetInfoResponse {
  nodeId: string;
  maxVolumesPerNode: number;
  accessibleTopology: { segments: StringMap } | null;
}

type Assignable<T extends U, U> = T;
export type ResponseChecks = [
  Assignable<NodeGetVolumeStatsResponse, GeneratedStatsResponse>,
  Assignable<NodeGetCapabilitiesResponse, GeneratedCapabilitiesResponse>,
  Assignable<NodeGetInfoResponse, GeneratedInfoResponse>,
];
