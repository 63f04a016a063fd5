// losetup through the driver's host runner: attach a file (--find --show), list the devices of a
// file (-j), refresh the size (-c) and detach (-d).
import { DriverError, type Runner, runChecked } from '@opencsp/csi-driver/node';

export async function loopDevicesOf(runner: Runner, file: string): Promise<string[]> {
  const result = await runChecked(runner, 'losetup', ['-j', file, '-n', '-O', 'NAME'], {
    context: `listing loop devices of ${file}`,
  });
  return result.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/dev/'));
}

export async function attachLoop(runner: Runner, file: string): Promise<string> {
  const result = await runChecked(runner, 'losetup', ['--find', '--show', file], { context: `attaching ${file}` });
  const device = result.stdout.trim();
  if (!/^\/dev\/loop\d+$/.test(device)) {
    throw new DriverError('Internal', `losetup --find --show ${file} printed ${JSON.stringify(device)}`);
  }
  return device;
}

export async function detachLoop(runner: Runner, device: string): Promise<void> {
  await runChecked(runner, 'losetup', ['-d', device], { context: `detaching ${device}` });
}

export async function refreshLoopSize(runner: Runner, device: string): Promise<void> {
  await runChecked(runner, 'losetup', ['-c', device], { context: `refreshing the size of ${device}` });
}
