// Every CSI message type under one import. Handlers receive `X__Output` (all fields present,
// defaults filled in by the loader) and return the permissive `X` shapes.
export type { BlockMetadata, BlockMetadata__Output } from './generated/csi/csi/v1/BlockMetadata.js';
export type { BlockMetadataType, BlockMetadataType__Output } from './generated/csi/csi/v1/BlockMetadataType.js';
export type { CapacityRange, CapacityRange__Output } from './generated/csi/csi/v1/CapacityRange.js';
export type { ControllerHandlers } from './generated/csi/csi/v1/Controller.js';
export type {
  ControllerExpandVolumeRequest,
  ControllerExpandVolumeRequest__Output,
} from './generated/csi/csi/v1/ControllerExpandVolumeRequest.js';
export type {
  ControllerExpandVolumeResponse,
  ControllerExpandVolumeResponse__Output,
} from './generated/csi/csi/v1/ControllerExpandVolumeResponse.js';
export type {
  ControllerGetCapabilitiesRequest,
  ControllerGetCapabilitiesRequest__Output,
} from './generated/csi/csi/v1/ControllerGetCapabilitiesRequest.js';
export type {
  ControllerGetCapabilitiesResponse,
  ControllerGetCapabilitiesResponse__Output,
} from './generated/csi/csi/v1/ControllerGetCapabilitiesResponse.js';
export type {
  ControllerGetVolumeRequest,
  ControllerGetVolumeRequest__Output,
} from './generated/csi/csi/v1/ControllerGetVolumeRequest.js';
export type {
  ControllerGetVolumeResponse,
  ControllerGetVolumeResponse__Output,
} from './generated/csi/csi/v1/ControllerGetVolumeResponse.js';
export type {
  ControllerModifyVolumeRequest,
  ControllerModifyVolumeRequest__Output,
} from './generated/csi/csi/v1/ControllerModifyVolumeRequest.js';
export type {
  ControllerModifyVolumeResponse,
  ControllerModifyVolumeResponse__Output,
} from './generated/csi/csi/v1/ControllerModifyVolumeResponse.js';
export type {
  ControllerPublishVolumeRequest,
  ControllerPublishVolumeRequest__Output,
} from './generated/csi/csi/v1/ControllerPublishVolumeRequest.js';
export type {
  ControllerPublishVolumeResponse,
  ControllerPublishVolumeResponse__Output,
} from './generated/csi/csi/v1/ControllerPublishVolumeResponse.js';
export type {
  _csi_v1_ControllerServiceCapability_RPC_Type__Output as ControllerRpcType,
  ControllerServiceCapability,
  ControllerServiceCapability__Output,
} from './generated/csi/csi/v1/ControllerServiceCapability.js';
export type {
  ControllerUnpublishVolumeRequest,
  ControllerUnpublishVolumeRequest__Output,
} from './generated/csi/csi/v1/ControllerUnpublishVolumeRequest.js';
export type {
  ControllerUnpublishVolumeResponse,
  ControllerUnpublishVolumeResponse__Output,
} from './generated/csi/csi/v1/ControllerUnpublishVolumeResponse.js';
export type {
  CreateSnapshotRequest,
  CreateSnapshotRequest__Output,
} from './generated/csi/csi/v1/CreateSnapshotRequest.js';
export type {
  CreateSnapshotResponse,
  CreateSnapshotResponse__Output,
} from './generated/csi/csi/v1/CreateSnapshotResponse.js';
export type {
  CreateVolumeGroupSnapshotRequest,
  CreateVolumeGroupSnapshotRequest__Output,
} from './generated/csi/csi/v1/CreateVolumeGroupSnapshotRequest.js';
export type {
  CreateVolumeGroupSnapshotResponse,
  CreateVolumeGroupSnapshotResponse__Output,
} from './generated/csi/csi/v1/CreateVolumeGroupSnapshotResponse.js';
export type { CreateVolumeRequest, CreateVolumeRequest__Output } from './generated/csi/csi/v1/CreateVolumeRequest.js';
export type {
  CreateVolumeResponse,
  CreateVolumeResponse__Output,
} from './generated/csi/csi/v1/CreateVolumeResponse.js';
export type {
  DeleteSnapshotRequest,
  DeleteSnapshotRequest__Output,
} from './generated/csi/csi/v1/DeleteSnapshotRequest.js';
export type {
  DeleteSnapshotResponse,
  DeleteSnapshotResponse__Output,
} from './generated/csi/csi/v1/DeleteSnapshotResponse.js';
export type {
  DeleteVolumeGroupSnapshotRequest,
  DeleteVolumeGroupSnapshotRequest__Output,
} from './generated/csi/csi/v1/DeleteVolumeGroupSnapshotRequest.js';
export type {
  DeleteVolumeGroupSnapshotResponse,
  DeleteVolumeGroupSnapshotResponse__Output,
} from './generated/csi/csi/v1/DeleteVolumeGroupSnapshotResponse.js';
export type { DeleteVolumeRequest, DeleteVolumeRequest__Output } from './generated/csi/csi/v1/DeleteVolumeRequest.js';
export type {
  DeleteVolumeResponse,
  DeleteVolumeResponse__Output,
} from './generated/csi/csi/v1/DeleteVolumeResponse.js';
export type { GetCapacityRequest, GetCapacityRequest__Output } from './generated/csi/csi/v1/GetCapacityRequest.js';
export type { GetCapacityResponse, GetCapacityResponse__Output } from './generated/csi/csi/v1/GetCapacityResponse.js';
export type {
  GetMetadataAllocatedRequest,
  GetMetadataAllocatedRequest__Output,
} from './generated/csi/csi/v1/GetMetadataAllocatedRequest.js';
export type {
  GetMetadataAllocatedResponse,
  GetMetadataAllocatedResponse__Output,
} from './generated/csi/csi/v1/GetMetadataAllocatedResponse.js';
export type {
  GetMetadataDeltaRequest,
  GetMetadataDeltaRequest__Output,
} from './generated/csi/csi/v1/GetMetadataDeltaRequest.js';
export type {
  GetMetadataDeltaResponse,
  GetMetadataDeltaResponse__Output,
} from './generated/csi/csi/v1/GetMetadataDeltaResponse.js';
export type {
  GetPluginCapabilitiesRequest,
  GetPluginCapabilitiesRequest__Output,
} from './generated/csi/csi/v1/GetPluginCapabilitiesRequest.js';
export type {
  GetPluginCapabilitiesResponse,
  GetPluginCapabilitiesResponse__Output,
} from './generated/csi/csi/v1/GetPluginCapabilitiesResponse.js';
export type {
  GetPluginInfoRequest,
  GetPluginInfoRequest__Output,
} from './generated/csi/csi/v1/GetPluginInfoRequest.js';
export type {
  GetPluginInfoResponse,
  GetPluginInfoResponse__Output,
} from './generated/csi/csi/v1/GetPluginInfoResponse.js';
export type { GetSnapshotRequest, GetSnapshotRequest__Output } from './generated/csi/csi/v1/GetSnapshotRequest.js';
export type { GetSnapshotResponse, GetSnapshotResponse__Output } from './generated/csi/csi/v1/GetSnapshotResponse.js';
export type {
  GetVolumeGroupSnapshotRequest,
  GetVolumeGroupSnapshotRequest__Output,
} from './generated/csi/csi/v1/GetVolumeGroupSnapshotRequest.js';
export type {
  GetVolumeGroupSnapshotResponse,
  GetVolumeGroupSnapshotResponse__Output,
} from './generated/csi/csi/v1/GetVolumeGroupSnapshotResponse.js';
export type { GroupControllerHandlers } from './generated/csi/csi/v1/GroupController.js';
export type {
  GroupControllerGetCapabilitiesRequest,
  GroupControllerGetCapabilitiesRequest__Output,
} from './generated/csi/csi/v1/GroupControllerGetCapabilitiesRequest.js';
export type {
  GroupControllerGetCapabilitiesResponse,
  GroupControllerGetCapabilitiesResponse__Output,
} from './generated/csi/csi/v1/GroupControllerGetCapabilitiesResponse.js';
export type {
  GroupControllerServiceCapability,
  GroupControllerServiceCapability__Output,
} from './generated/csi/csi/v1/GroupControllerServiceCapability.js';
export type { IdentityHandlers } from './generated/csi/csi/v1/Identity.js';
export type {
  ListSnapshotsRequest,
  ListSnapshotsRequest__Output,
} from './generated/csi/csi/v1/ListSnapshotsRequest.js';
export type {
  ListSnapshotsResponse,
  ListSnapshotsResponse__Output,
} from './generated/csi/csi/v1/ListSnapshotsResponse.js';
export type { ListVolumesRequest, ListVolumesRequest__Output } from './generated/csi/csi/v1/ListVolumesRequest.js';
export type { ListVolumesResponse, ListVolumesResponse__Output } from './generated/csi/csi/v1/ListVolumesResponse.js';
export type { NodeHandlers } from './generated/csi/csi/v1/Node.js';
export type {
  NodeExpandVolumeRequest,
  NodeExpandVolumeRequest__Output,
} from './generated/csi/csi/v1/NodeExpandVolumeRequest.js';
export type {
  NodeExpandVolumeResponse,
  NodeExpandVolumeResponse__Output,
} from './generated/csi/csi/v1/NodeExpandVolumeResponse.js';
export type {
  NodeGetCapabilitiesRequest,
  NodeGetCapabilitiesRequest__Output,
} from './generated/csi/csi/v1/NodeGetCapabilitiesRequest.js';
export type {
  NodeGetCapabilitiesResponse,
  NodeGetCapabilitiesResponse__Output,
} from './generated/csi/csi/v1/NodeGetCapabilitiesResponse.js';
export type { NodeGetInfoRequest, NodeGetInfoRequest__Output } from './generated/csi/csi/v1/NodeGetInfoRequest.js';
export type { NodeGetInfoResponse, NodeGetInfoResponse__Output } from './generated/csi/csi/v1/NodeGetInfoResponse.js';
export type {
  NodeGetVolumeStatsRequest,
  NodeGetVolumeStatsRequest__Output,
} from './generated/csi/csi/v1/NodeGetVolumeStatsRequest.js';
export type {
  NodeGetVolumeStatsResponse,
  NodeGetVolumeStatsResponse__Output,
} from './generated/csi/csi/v1/NodeGetVolumeStatsResponse.js';
export type {
  NodePublishVolumeRequest,
  NodePublishVolumeRequest__Output,
} from './generated/csi/csi/v1/NodePublishVolumeRequest.js';
export type {
  NodePublishVolumeResponse,
  NodePublishVolumeResponse__Output,
} from './generated/csi/csi/v1/NodePublishVolumeResponse.js';
export type {
  NodeServiceCapability,
  NodeServiceCapability__Output,
} from './generated/csi/csi/v1/NodeServiceCapability.js';
export type {
  NodeStageVolumeRequest,
  NodeStageVolumeRequest__Output,
} from './generated/csi/csi/v1/NodeStageVolumeRequest.js';
export type {
  NodeStageVolumeResponse,
  NodeStageVolumeResponse__Output,
} from './generated/csi/csi/v1/NodeStageVolumeResponse.js';
export type {
  NodeUnpublishVolumeRequest,
  NodeUnpublishVolumeRequest__Output,
} from './generated/csi/csi/v1/NodeUnpublishVolumeRequest.js';
export type {
  NodeUnpublishVolumeResponse,
  NodeUnpublishVolumeResponse__Output,
} from './generated/csi/csi/v1/NodeUnpublishVolumeResponse.js';
export type {
  NodeUnstageVolumeRequest,
  NodeUnstageVolumeRequest__Output,
} from './generated/csi/csi/v1/NodeUnstageVolumeRequest.js';
export type {
  NodeUnstageVolumeResponse,
  NodeUnstageVolumeResponse__Output,
} from './generated/csi/csi/v1/NodeUnstageVolumeResponse.js';
export type { PluginCapability, PluginCapability__Output } from './generated/csi/csi/v1/PluginCapability.js';
export type { ProbeRequest, ProbeRequest__Output } from './generated/csi/csi/v1/ProbeRequest.js';
export type { ProbeResponse, ProbeResponse__Output } from './generated/csi/csi/v1/ProbeResponse.js';
export type { Snapshot, Snapshot__Output } from './generated/csi/csi/v1/Snapshot.js';
export type { Topology, Topology__Output } from './generated/csi/csi/v1/Topology.js';
export type { TopologyRequirement, TopologyRequirement__Output } from './generated/csi/csi/v1/TopologyRequirement.js';
export type {
  ValidateVolumeCapabilitiesRequest,
  ValidateVolumeCapabilitiesRequest__Output,
} from './generated/csi/csi/v1/ValidateVolumeCapabilitiesRequest.js';
export type {
  ValidateVolumeCapabilitiesResponse,
  ValidateVolumeCapabilitiesResponse__Output,
} from './generated/csi/csi/v1/ValidateVolumeCapabilitiesResponse.js';
export type { Volume, Volume__Output } from './generated/csi/csi/v1/Volume.js';
export type {
  _csi_v1_VolumeCapability_AccessMode_Mode__Output as AccessMode,
  VolumeCapability,
  VolumeCapability__Output,
} from './generated/csi/csi/v1/VolumeCapability.js';
export type { VolumeCondition, VolumeCondition__Output } from './generated/csi/csi/v1/VolumeCondition.js';
export type { VolumeContentSource, VolumeContentSource__Output } from './generated/csi/csi/v1/VolumeContentSource.js';
export type { VolumeGroupSnapshot, VolumeGroupSnapshot__Output } from './generated/csi/csi/v1/VolumeGroupSnapshot.js';
export type { VolumeUsage, VolumeUsage__Output } from './generated/csi/csi/v1/VolumeUsage.js';
