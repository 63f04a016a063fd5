// Node-service request and response shapes. They MIRROR CSI v1.12 (csi.proto) field names as
// @grpc/proto-loader delivers them with { keepCase: false, longs: Number, enums: String,
// defaults: true, oneofs: true }: camelCase fields, int64 as number, enums as their names, unset
// message fields as null, and the oneof's name (`accessType`) naming the set member. The gRPC
// layer may swap these for the generated types; nothing here imports gRPC.

export type AccessModeName =
  | 'UNKNOWN'
  | 'SINGLE_NODE_WRITER'
  | 'SINGLE_NODE_READER_ONLY'
  | 'MULTI_NODE_READER_ONLY'
  | 'MULTI_NODE_SINGLE_WRITER'
  | 'MULTI_NODE_MULTI_WRITER'
  | 'SINGLE_NODE_SINGLE_WRITER'
  | 'SINGLE_NODE_MULTI_WRITER';

export interface MountVolume {
  fsType: string;
  /** May carry secrets: never logged. */
  mountFlags: string[];
  volumeMountGroup: string;
}

// biome-ignore lint/complexity/noBannedTypes: csi.proto's BlockVolume has no fields.
export type BlockVolume = {};

export interface VolumeCapability {
  block?: BlockVolume | null;
  mount?: MountVolume | null;
  accessMode?: { mode: AccessModeName } | null;
  /** proto-loader's oneof name: which of block/mount is set. */
  accessType?: 'block' | 'mount';
}

export type StringMap = Record<string, string>;

export interface NodeStageVolumeRequest {
  volumeId: string;
  publishContext: StringMap;
  stagingTargetPath: string;
  volumeCapability: VolumeCapability | null;
  secrets: StringMap;
  volumeContext: StringMap;
}

export type NodeStageVolumeResponse = Record<string, never>;

export interface NodeUnstageVolumeRequest {
  volumeId: string;
  stagingTargetPath: string;
}

export type NodeUnstageVolumeResponse = Record<string, never>;

export interface NodePublishVolumeRequest {
  volumeId: string;
  publishContext: StringMap;
  stagingTargetPath: string;
  targetPath: string;
  volumeCapability: VolumeCapability | null;
  readonly: boolean;
  secrets: StringMap;
  volumeContext: StringMap;
}

export type NodePublishVolumeResponse = Record<string, never>;

export interface NodeUnpublishVolumeRequest {
  volumeId: string;
  targetPath: string;
}

export type NodeUnpublishVolumeResponse = Record<string, never>;

export interface NodeGetVolumeStatsRequest {
  volumeId: string;
  volumePath: string;
  stagingTargetPath: string;
}

export type UsageUnit = 'UNKNOWN' | 'BYTES' | 'INODES';

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

export interface NodeGetVolumeStatsResponse {
  usage: VolumeUsage[];
  volumeCondition: VolumeCondition | null;
}

export interface CapacityRange {
  requiredBytes: number;
  limitBytes: number;
}

export interface NodeExpandVolumeRequest {
  volumeId: string;
  volumePath: string;
  capacityRange: CapacityRange | null;
  stagingTargetPath: string;
  volumeCapability: VolumeCapability | null;
  secrets: StringMap;
}

export interface NodeExpandVolumeResponse {
  capacityBytes: number;
}

export type NodeCapabilityType =
  | 'UNKNOWN'
  | 'STAGE_UNSTAGE_VOLUME'
  | 'GET_VOLUME_STATS'
  | 'EXPAND_VOLUME'
  | 'VOLUME_CONDITION'
  | 'SINGLE_NODE_MULTI_WRITER'
  | 'VOLUME_MOUNT_GROUP';

export interface NodeServiceCapability {
  rpc: { type: NodeCapabilityType };
}

export type NodeGetCapabilitiesRequest = Record<string, never>;

export interface NodeGetCapabilitiesResponse {
  capabilities: NodeServiceCapability[];
}

export type NodeGetInfoRequest = Record<string, never>;

export interface Topology {
  segments: StringMap;
}

export interface NodeGetInfoResponse {
  nodeId: string;
  maxVolumesPerNode: number;
  accessibleTopology: Topology | null;
}
