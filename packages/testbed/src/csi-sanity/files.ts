// The files csi-sanity reads: the secrets of every RPC that takes them (all pointing at the one
// StorageClass secret, service mode) and the StorageClass parameters of the volumes it creates.
import { writeFile } from 'node:fs/promises';
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
