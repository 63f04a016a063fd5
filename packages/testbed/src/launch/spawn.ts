// Children that do not outlive the runner. spawnTied() starts a command in its own process group
// (so a stop reaches what it starts in turn: csi-sanity's, QEMU's or the node plugin's host
// commands) and, on Linux, under `setpriv --pdeathsig SIGKILL` (util-linux, as the kube harness
// starts its cluster): the kernel kills the child when the runner dies, even by SIGKILL, where no
// handler of ours runs. setpriv execs the command, so the pid is the command's. killGroup() is the
// graceful stop: SIGTERM to the group, SIGKILL after a grace period.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';

const setprivPaths = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv', '/sbin/setpriv'];
let setpriv: string | null | undefined;

/** setpriv's path on Linux, null where there is none (then a SIGKILLed runner leaves its children). */
export function setprivPath(): string | null {
  setpriv ??= process.platform === 'linux' ? (setprivPaths.find((p) => existsSync(p)) ?? null) : null;
  return setpriv;
}

/** A tied child: stdin ignored, stdout and stderr piped (the runners log them). */
export type TiedChild = ChildProcess & { stdout: Readable; stderr: Readable };

export interface TiedOptions extends Omit<SpawnOptions, 'stdio' | 'detached'> {
  /** Adds an IPC channel (fd 3), as `fork` does. */
  ipc?: boolean;
}

/** `command args` as a group leader that the kernel kills with the runner (see the header). */
export function spawnTied(command: string, args: string[], options: TiedOptions = {}): TiedChild {
  const { ipc, ...rest } = options;
  const tie = setprivPath();
  const [file, argv] = tie ? [tie, ['--pdeathsig', 'SIGKILL', '--', command, ...args]] : [command, args];
  return spawn(file, argv, {
    ...rest,
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc' as const] : [])],
    detached: true,
  }) as TiedChild;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends SIGTERM, then SIGKILL after `graceMs`, to a whole process group; resolves once it is empty. */
export async function killGroup(pid: number | undefined, graceMs = 3000): Promise<void> {
  if (pid === undefined || !alive(-pid)) {
    return;
  }
  process.kill(-pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive(-pid)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (alive(-pid)) {
    process.kill(-pid, 'SIGKILL');
    // Bounded: an unreaped zombie still counts as a member of its group.
    for (let i = 0; i < 40 && alive(-pid); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
