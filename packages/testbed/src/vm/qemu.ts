// Boots the VM under TCG (KVM is not usable on the machines this runs on), follows its serial
// log as it grows, and stops it on power-off, on timeout or on cleanup.
import { open } from 'node:fs/promises';
import { killGroup, spawnTied } from '../launch/spawn.js';
import type { Cleanup } from './cleanup.js';
import type { VmImage } from './image.js';
import { type MarkerEvent, MarkerParser } from './markers.js';
import { INIT_PATH_IN_IMAGE } from './recipe.js';

export interface VmShares {
  /** The repository, read-only at /repo in the guest. */
  repoDir: string;
  /** A directory holding a copy of the host's node binary (and csi-sanity), read-only at /opt/hostnode. */
  nodeDir: string;
  /** A directory the guest may write (mounted by the runner at /out): reports and logs. */
  outDir?: string;
}

export interface QemuConfig {
  image: VmImage;
  shares: VmShares;
  serialLog: string;
  /** e2e.* parameters for the guest runner, on the kernel command line. */
  params: Record<string, string>;
  memoryMb?: number;
  cpus?: number;
}

const SAFE_VALUE = /^[A-Za-z0-9._/:-]+$/;

/** The kernel command line: console on the serial port, our init, then the e2e.* parameters. */
export function kernelCommandLine(params: Record<string, string>): string {
  const words = ['console=ttyS0', 'root=/dev/vda', 'rw', `init=${INIT_PATH_IN_IMAGE}`, 'panic=1'];
  for (const [key, value] of Object.entries(params)) {
    if (!/^e2e\.[a-z]+$/.test(key) || !SAFE_VALUE.test(value)) {
      throw new Error(`invalid guest parameter ${key}=${JSON.stringify(value)}`);
    }
    words.push(`${key}=${value}`);
  }
  return words.join(' ');
}

function virtfs(path: string, tag: string, writable = false): string {
  if (path.includes(',')) {
    throw new Error(`cannot share ${path} over 9p: QEMU option values cannot hold a comma`);
  }
  return `local,path=${path},mount_tag=${tag},security_model=none${writable ? '' : ',readonly=on'}`;
}

/** QEMU's argv: no default devices, no NIC, TCG, the image as a throw-away snapshot, two 9p shares. */
export function qemuArgs(config: QemuConfig): string[] {
  return [
    '-nodefaults',
    '-no-user-config',
    '-accel',
    'tcg,thread=multi',
    '-cpu',
    'max',
    '-m',
    String(config.memoryMb ?? 2048),
    '-smp',
    String(config.cpus ?? 2),
    '-display',
    'none',
    '-serial',
    `file:${config.serialLog}`,
    '-no-reboot',
    '-nic',
    'none',
    '-kernel',
    config.image.kernel,
    '-initrd',
    config.image.initrd,
    '-drive',
    `file=${config.image.rootfs},format=raw,if=virtio,snapshot=on`,
    '-virtfs',
    virtfs(config.shares.repoDir, 'repo'),
    '-virtfs',
    virtfs(config.shares.nodeDir, 'hostnode'),
    ...(config.shares.outDir ? ['-virtfs', virtfs(config.shares.outDir, 'out', true)] : []),
    '-append',
    kernelCommandLine(config.params),
  ];
}

export interface QemuRun {
  parser: MarkerParser;
  exitCode: number | null;
  timedOut: boolean;
  wallSeconds: number;
  stderr: string;
}

export interface RunQemuOptions {
  timeoutMs: number;
  cleanup: Cleanup;
  /** Scratch directory for QEMU's snapshot overlay (TMPDIR). */
  tmpDir: string;
  onEvent: (event: MarkerEvent) => void;
  onLine?: (line: string) => void;
  /** After the verdict, how long the guest gets to power itself off. */
  powerOffGraceMs?: number;
}

export async function runQemu(config: QemuConfig, options: RunQemuOptions): Promise<QemuRun> {
  const started = performance.now();
  const parser = new MarkerParser();
  const log = await open(config.serialLog, 'a+');
  const child = spawnTied('qemu-system-x86_64', qemuArgs(config), {
    env: { ...process.env, TMPDIR: options.tmpDir },
  });
  const drop = options.cleanup.add('stop QEMU', () => killGroup(child.pid));
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  let position = 0;
  let partial = '';
  const readNew = async () => {
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await log.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) {
        return;
      }
      position += bytesRead;
      const text = buffer.subarray(0, bytesRead).toString('utf8');
      if (options.onLine) {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          options.onLine(line.replace(/\r$/, ''));
        }
      }
      parser.push(text).forEach(options.onEvent);
    }
  };
  let timedOut = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const timeout = setTimeout(() => {
    timedOut = true;
    void killGroup(child.pid);
  }, options.timeoutMs);
  let reading = Promise.resolve();
  const poll = setInterval(() => {
    reading = reading.then(readNew).then(() => {
      if (parser.result && !graceTimer) {
        graceTimer = setTimeout(() => void killGroup(child.pid), options.powerOffGraceMs ?? 30_000);
      }
    });
  }, 250);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      stderr += `\n${error.message}`;
      resolve(null);
    });
    child.on('close', (code) => resolve(code));
  });
  clearInterval(poll);
  clearTimeout(timeout);
  clearTimeout(graceTimer);
  drop();
  await reading;
  await readNew();
  parser.end().forEach(options.onEvent);
  await log.close();
  return { parser, exitCode, timedOut, wallSeconds: (performance.now() - started) / 1000, stderr };
}
