// The host tools the VM suite uses, installed with apt-get when missing (Debian/Ubuntu, root).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Cleanup } from './cleanup.js';
import { runCommand } from './proc.js';

export interface HostTool {
  command: string;
  pkg: string;
}

/** Needed to boot the VM. */
export const RUN_TOOLS: HostTool[] = [{ command: 'qemu-system-x86_64', pkg: 'qemu-system-x86' }];

/** Needed to build the image. */
export const BUILD_TOOLS: HostTool[] = [
  { command: 'debootstrap', pkg: 'debootstrap' },
  { command: 'mkfs.ext4', pkg: 'e2fsprogs' },
];

export function findCommand(command: string, path = process.env.PATH ?? ''): string | undefined {
  const dirs = [...path.split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** Installs the packages of missing tools; returns the packages it installed. */
export async function ensureHostTools(
  tools: HostTool[],
  log: (line: string) => void,
  cleanup?: Cleanup,
): Promise<string[]> {
  const missing = [...new Set(tools.filter((t) => !findCommand(t.command)).map((t) => t.pkg))];
  if (missing.length === 0) {
    return [];
  }
  if (process.getuid?.() !== 0 || !findCommand('apt-get')) {
    throw new Error(`missing host packages: ${missing.join(' ')} (install them as root with apt-get)`);
  }
  log(`installing with apt-get: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get', ['update', '-qq'], { env, ...(cleanup ? { cleanup } : {}) });
  await runCommand('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env,
    ...(cleanup ? { cleanup } : {}),
  });
  return missing;
}
