// The files csi-sanity reads: the secrets of every RPC that takes them (all pointing at the one
// StorageClass secret, service mode) and the StorageClass parameters of the volumes it creates.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

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
}

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
): Promise<SanityFiles> {
  const files = { secrets: join(dir, 'secrets.yaml'), parameters: join(dir, 'parameters.yaml') };
  const secrets = Object.fromEntries(secretKeys.map((key) => [key, secret]));
  await writeFile(files.secrets, stringify(secrets), { mode: 0o600 });
  await writeFile(files.parameters, stringify(parameters));
  return files;
}
