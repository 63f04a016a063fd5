// Last-resort cleanup of what real-filesystem tests leave on the host when they fail half-way:
// every mount under a directory (deepest first, lazily if busy) and every loop device whose
// backing file lies under a directory. Also the leak check: what is still there.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** mountinfo escapes with octal (`\\040`), losetup --raw with hex (`\\x20`). */
function unescapeField(field: string): string {
  return field
    .replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)))
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

async function listLoops(): Promise<Array<{ device: string; file: string }>> {
  const { stdout } = await run('losetup', ['--list', '--noheadings', '--raw', '--output', 'NAME,BACK-FILE']).catch(
    () => ({ stdout: '' }),
  );
  return stdout
    .split('\n')
    .map((line) => {
      const [device = '', ...rest] = line.trim().split(' ');
      return { device, file: unescapeField(rest.join(' ')).replace(/ \(deleted\)$/, '') };
    })
    .filter((l) => l.device.startsWith('/dev/'));
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** Mount points at or under `dir`, deepest first. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info
    .split('\n')
    .map((l) => unescapeField(l.split(' ')[4] ?? ''))
    .filter((p) => p !== '' && under(p, dir))
    .sort((a, b) => b.length - a.length);
}

/**
 * Loop devices whose backing file is at or under `dir`, plus loop devices stacked on those (the
 * node's read-only loops over a volume's device), stacked ones first.
 */
export async function loopsUnder(dir: string): Promise<Array<{ device: string; file: string }>> {
  const all = await listLoops();
  const direct = all.filter((l) => under(l.file, dir));
  const devices = new Set(direct.map((l) => l.device));
  const stacked = all.filter((l) => devices.has(l.file));
  return [...stacked, ...direct];
}

/** Unmounts everything under `dir` (a few rounds for stacked mounts). */
export async function unmountUnder(dir: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const points = await mountsUnder(dir);
    if (points.length === 0) {
      return;
    }
    for (const point of points) {
      await run('umount', [point]).catch(() => run('umount', ['-l', point]).catch(() => undefined));
    }
  }
}

/** Detaches every loop device backed by a file under `dir`. */
export async function detachLoopsUnder(dir: string): Promise<void> {
  for (const { device } of await loopsUnder(dir)) {
    await run('losetup', ['-d', device]).catch(() => undefined);
  }
}
