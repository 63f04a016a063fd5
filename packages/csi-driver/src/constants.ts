// Every string the driver exchanges with Kubernetes: StorageClass parameters it consumes itself,
// secret keys, publish-context and volume-context keys. Documented in docs/parameters.md.

export const driverName = 'csi.opencsp.io';

/** StorageClass parameters the driver consumes; everything else goes to the CSP as `config`. */
export const params = {
  fsType: 'csi.storage.k8s.io/fstype',
  fsTypeShort: 'fsType',
  fsCreateOptions: 'fsCreateOptions',
  fsOwner: 'fsOwner',
  fsMode: 'fsMode',
  accessProtocol: 'accessProtocol',
  description: 'description',
  /** Puts the volume in the CSP volume group of that name (created on first use); see docs/parameters.md. */
  volumeGroup: 'volumeGroup',
} as const;

/** Keys external-provisioner adds with --extra-create-metadata. They never reach the CSP config. */
export const provisionerMetadata = {
  pvcName: 'csi.storage.k8s.io/pvc/name',
  pvcNamespace: 'csi.storage.k8s.io/pvc/namespace',
  pvName: 'csi.storage.k8s.io/pv/name',
} as const;

/** Keys of the Secret referenced by the StorageClass (CSP credentials and CHAP). */
export const secretKeys = {
  backend: 'backend',
  username: 'username',
  password: 'password',
  serviceName: 'serviceName',
  servicePort: 'servicePort',
  path: 'path',
  chapUser: 'chapUser',
  chapPassword: 'chapPassword',
  chapMutualUser: 'chapMutualUser',
  chapMutualPassword: 'chapMutualPassword',
  /** NVMe/TCP DH-CHAP: the secret the host presents (`nvme gen-dhchap-key` form). */
  dhchapKey: 'dhchapKey',
  /** Bidirectional DH-CHAP: the secret the array's controller presents back. */
  dhchapCtrlKey: 'dhchapCtrlKey',
} as const;

/** Values of the `accessProtocol` StorageClass parameter (HPE's spellings). */
export const accessProtocols = ['iscsi', 'nvmetcp'] as const;
export type AccessProtocolName = (typeof accessProtocols)[number];

/** ControllerPublishVolume → NodeStageVolume. Values are strings; lists are comma-separated. */
export const publishContext = {
  serialNumber: 'serialNumber',
  accessProtocol: 'accessProtocol',
  targetNames: 'targetNames',
  lunId: 'lunId',
  discoveryIps: 'discoveryIps',
  targetScope: 'targetScope',
  readOnly: 'readOnly',
  fsType: 'fsType',
  fsCreateOptions: 'fsCreateOptions',
  fsOwner: 'fsOwner',
  fsMode: 'fsMode',
  /** nvmetcp: the namespace UUID the node checks besides the NGUID in serialNumber. */
  namespaceUuid: 'namespaceUuid',
  /** nvmetcp: `none`, `host` or `bidirectional` (what DH-CHAP the array demands). */
  dhchap: 'dhchap',
} as const;

export const defaultFsType = 'ext4';
export const supportedFsTypes = ['ext4', 'xfs', 'btrfs'] as const;
export type FsType = (typeof supportedFsTypes)[number];

/**
 * The smallest device each filesystem's mkfs accepts with our default options, measured with
 * mkfs on loop files (docs/parameters.md, fsType): mkfs.xfs (xfsprogs >= 5.19, here 6.1.0) says
 * "Filesystem must be larger than 300MB" below 300 MiB; mkfs.btrfs (btrfs-progs 6.2) reports
 * "minimum size for each btrfs device is 114294784". ext4 has no practical minimum.
 */
export const filesystemMinimumBytes: Partial<Record<FsType, number>> = {
  xfs: 300 * 1024 ** 2,
  btrfs: 114_294_784,
};

/** Default size when a PVC asks for no capacity (CSI lets the plugin choose). */
export const defaultVolumeSize = 1024 ** 3;

/** CSI limits: ids and node ids must fit these. */
export const limits = {
  nodeIdBytes: 256,
  volumeIdBytes: 128,
} as const;
