// `lsblk -J -b -o ...`: the block-device tree with sizes in bytes. Used to list the slaves of a map
// and to describe devices in errors; filesystem types come from blkid because lsblk needs udev data.
import { type Runner, runChecked } from './runner.js';

export const lsblkColumns = 'NAME,KNAME,PKNAME,HCTL,TYPE,TRAN,SIZE,WWN,SERIAL,FSTYPE,MOUNTPOINT';

export interface BlockDevice {
  readonly name: string;
  readonly kname: string;
  readonly pkname: string | null;
  readonly hctl: string | null;
  readonly type: string;
  readonly tran: string | null;
  readonly size: number;
  readonly wwn: string | null;
  readonly serial: string | null;
  readonly fstype: string | null;
  readonly mountpoint: string | null;
  readonly children: readonly BlockDevice[];
}

type RawDevice = Record<string, unknown> & { children?: RawDevice[] };

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function toDevice(raw: RawDevice): BlockDevice {
  return {
    name: String(raw.name ?? ''),
    kname: String(raw.kname ?? raw.name ?? ''),
    pkname: str(raw.pkname),
    hctl: str(raw.hctl),
    type: String(raw.type ?? ''),
    tran: str(raw.tran),
    size: typeof raw.size === 'number' ? raw.size : Number(raw.size ?? 0),
    wwn: str(raw.wwn),
    serial: str(raw.serial),
    fstype: str(raw.fstype),
    mountpoint: str(raw.mountpoint),
    children: (raw.children ?? []).map(toDevice),
  };
}

export function parseLsblkJson(text: string): BlockDevice[] {
  const parsed = JSON.parse(text) as { blockdevices?: RawDevice[] };
  return (parsed.blockdevices ?? []).map(toDevice);
}

/** Depth-first list of a tree (parents before children). */
export function flattenBlockDevices(devices: readonly BlockDevice[]): BlockDevice[] {
  return devices.flatMap((d) => [d, ...flattenBlockDevices(d.children)]);
}

/** `lsblk` for the given devices; `inverse` walks from a map down to its slaves (-s). */
export async function lsblk(runner: Runner, devices: readonly string[], inverse = false): Promise<BlockDevice[]> {
  const args = ['-J', '-b', ...(inverse ? ['-s'] : []), '-o', lsblkColumns, ...devices];
  const result = await runChecked(runner, 'lsblk', args, { context: 'listing block devices' });
  return parseLsblkJson(result.stdout);
}
