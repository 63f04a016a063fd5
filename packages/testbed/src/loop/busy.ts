// Why a loop device does not go after `losetup -d`: devices stacked on it (holders), and where it
// is still mounted in this mount namespace. For the error a detach that times out reports.
import { basename } from 'node:path';
import type { HostFiles } from '@opencsp/csi-driver/node';

export async function whyBusy(files: HostFiles, device: string): Promise<string> {
  const name = basename(device);
  const holders = await files.list(`/sys/block/${name}/holders`);
  const dev = (await files.readText(`/sys/block/${name}/dev`))?.trim();
  const mounts = (await files.mountinfo())
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => dev !== undefined && fields[2] === dev)
    .map((fields) => fields[4]);
  return [
    `held by ${holders.length > 0 ? holders.join(', ') : 'no stacked device'}`,
    `mounted ${mounts.length > 0 ? `at ${mounts.join(', ')}` : 'nowhere in this mount namespace'}`,
  ].join(', ');
}
