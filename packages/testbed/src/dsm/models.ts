// Synology models the simulator can play: iSCSI ceilings (from datasheets and `System info
// type=define`, see research/synology.md) and the storage volumes a fresh unit of that model gets.

export type FsType = 'btrfs' | 'ext4';

export interface VolumeSpec {
  path: string;
  fsType: FsType;
  sizeBytes: number;
}

export interface ModelSpec {
  model: string;
  maxLuns: number;
  maxTargets: number;
  maxSnapshotsPerLun: number;
  /** Whether the model can format Btrfs (entry-level "play" units cannot). */
  btrfs: boolean;
  volumes: VolumeSpec[];
}

const TiB = 1024 ** 4;

const btrfsAndExt4 = (size: number): VolumeSpec[] => [
  { path: '/volume1', fsType: 'btrfs', sizeBytes: size },
  { path: '/volume2', fsType: 'ext4', sizeBytes: size / 2 },
];

const table: ModelSpec[] = [
  {
    model: 'DS923+',
    maxLuns: 256,
    maxTargets: 128,
    maxSnapshotsPerLun: 256,
    btrfs: true,
    volumes: btrfsAndExt4(8 * TiB),
  },
  {
    model: 'DS920+',
    maxLuns: 256,
    maxTargets: 128,
    maxSnapshotsPerLun: 256,
    btrfs: true,
    volumes: btrfsAndExt4(8 * TiB),
  },
  {
    model: 'DS918+',
    maxLuns: 256,
    maxTargets: 128,
    maxSnapshotsPerLun: 256,
    btrfs: true,
    volumes: btrfsAndExt4(8 * TiB),
  },
  {
    model: 'DS1821+',
    maxLuns: 256,
    maxTargets: 128,
    maxSnapshotsPerLun: 256,
    btrfs: true,
    volumes: btrfsAndExt4(16 * TiB),
  },
  {
    model: 'RS1221+',
    maxLuns: 128,
    maxTargets: 64,
    maxSnapshotsPerLun: 256,
    btrfs: true,
    volumes: btrfsAndExt4(16 * TiB),
  },
  {
    model: 'DS1825+',
    maxLuns: 128,
    maxTargets: 64,
    maxSnapshotsPerLun: 256,
    btrfs: true,
    volumes: btrfsAndExt4(16 * TiB),
  },
  {
    model: 'DS218play',
    maxLuns: 10,
    maxTargets: 10,
    maxSnapshotsPerLun: 0,
    btrfs: false,
    volumes: [{ path: '/volume1', fsType: 'ext4', sizeBytes: 4 * TiB }],
  },
  { model: 'DS223', maxLuns: 4, maxTargets: 2, maxSnapshotsPerLun: 256, btrfs: true, volumes: btrfsAndExt4(4 * TiB) },
  { model: 'DS423', maxLuns: 4, maxTargets: 2, maxSnapshotsPerLun: 256, btrfs: true, volumes: btrfsAndExt4(8 * TiB) },
  { model: 'DS124', maxLuns: 4, maxTargets: 2, maxSnapshotsPerLun: 256, btrfs: true, volumes: btrfsAndExt4(4 * TiB) },
];

export const modelNames = table.map((m) => m.model);

export function modelSpec(name: string): ModelSpec {
  const spec = table.find((m) => m.model.toLowerCase() === name.toLowerCase());
  if (!spec) {
    throw new Error(`unknown model ${JSON.stringify(name)}; known: ${modelNames.join(', ')}`);
  }
  return { ...spec, volumes: spec.volumes.map((v) => ({ ...v })) };
}
