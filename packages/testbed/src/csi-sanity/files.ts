// The files csi-sanity reads: the secrets of every RPC that takes them (all pointing at the one
// StorageClass secret, service mode), the StorageClass parameters of the volumes it creates, and
// the VolumeAttributesClass parameters of its ModifyVolume specs.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Backend } from './matrix.js';

/** csi-sanity's secret keys (CSISecrets in pkg/sanity/sanity.go). */
export const secretKeys = [
  'CreateVolumeSecret',
  'DeleteVolumeSecret',
  'ControllerPublishVolumeSecret',
  'ControllerUnpublishVolumeSecret',
  'ControllerValidateVolumeCapabilitiesSecret',
  'NodeStageVolumeSecret',
  'NodePublishVolumeSecret',
  'CreateSnapshotSecret',
  'DeleteSnapshotSecret',
  'ControllerExpandVolumeSecret',
  'ControllerModifyVolumeSecret',
  'ListSnapshotsSecret',
  'GetSnapshotSecret',
] as const;

export interface SanityFiles {
  secrets: string;
  parameters: string;
  /** A VolumeAttributesClass's parameters (`-csi.testvolumemutableparameters`). */
  mutableParameters: string;
}

/**
 * The mutable parameters csi-sanity creates and modifies volumes with (its VolumeAttributesClass
 * specs): a setting each CSP changes on a live volume (`mutable_config_keys`), different from
 * the StorageClass's, so the modify specs really change the array.
 */
export const mutableParameters: Readonly<Record<Backend, Record<string, string>>> = {
  truenas: { compression: 'ZSTD' },
  synology: { spaceReclamation: 'false' },
};

/** The StorageClass secret as a mounted Secret directory (one file per key, root only). */
export async function writeSecretDir(dir: string, secret: Record<string, string>): Promise<string> {
  await mkdir(dir, { mode: 0o700 });
  for (const [key, value] of Object.entries(secret)) {
    await writeFile(join(dir, key), value, { mode: 0o600 });
  }
  return dir;
}

/** Writes both files into `dir` (the secrets readable by root only). */
export async function writeSanityFiles(
  dir: string,
  secret: Record<string, string>,
  parameters: Record<string, string>,
  mutable: Record<string, string>,
): Promise<SanityFiles> {
  const files = {
    secrets: join(dir, 'secrets.yaml'),
    parameters: join(dir, 'parameters.yaml'),
    mutableParameters: join(dir, 'mutable-parameters.yaml'),
  };
  const secrets = Object.fromEntries(secretKeys.map((key) => [key, secret]));
  await writeFile(files.secrets, stringify(secrets), { mode: 0o600 });
  await writeFile(files.parameters, stringify(parameters));
  await writeFile(files.mutableParameters, stringify(mutable));
  return files;
}
