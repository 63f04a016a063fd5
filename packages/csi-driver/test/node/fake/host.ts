// FakeHost: a Runner and HostFiles over a modelled kernel (sessions, SCSI disks with WWIDs, dm maps,
// filesystems, mounts), with fault injection (exit codes, timeouts, busy umounts, iscsid down),
// a crash point (throw right after the n-th side effect) and virtual time.
import type { Clock } from '../../../src/host/clock.js';
import { displayCommand, type Runner, type RunOptions, type RunResult } from '../../../src/host/runner.js';
import { FakeFiles } from './files.js';
import * as fsc from './fs-commands.js';
import { type CmdResult, iscsiadm, multipath, multipathd } from './iscsi-commands.js';
import { FakeKernel } from './kernel.js';

export class SimulatedCrash extends Error {
  constructor(step: number) {
    super(`simulated crash after side effect #${step}`);
  }
}

export interface InjectedFault {
  readonly match: (cmd: string, args: readonly string[]) => boolean;
  readonly result: CmdResult | (() => CmdResult);
  times: number;
}

export class FakeClock implements Clock {
  time = 1_700_000_000_000;
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
    await Promise.resolve();
  }
}

const readOnlyCommands = new Set(['blkid', 'dd', 'dumpe2fs', 'udevadm']);

function isReadOnlyCall(cmd: string, args: readonly string[]): boolean {
  if (readOnlyCommands.has(cmd)) {
    return true;
  }
  if (cmd === 'iscsiadm') {
    return args[1] === 'session'
      ? !args.includes('-r')
      : !args.includes('-o') && !args.some((a) => a.startsWith('--log'));
  }
  if (cmd === 'multipathd') {
    return args[0] === 'show';
  }
  if (cmd === 'multipath') {
    return args[0] === '-ll';
  }
  if (cmd === 'losetup') {
    return args[0] === '-j';
  }
  return cmd === 'blockdev' && args[0] === '--getsize64';
}

export class FakeHost implements Runner {
  readonly kernel = new FakeKernel();
  readonly files: FakeFiles;
  readonly clock = new FakeClock();
  readonly calls: { cmd: string; args: string[]; display: string }[] = [];
  readonly faults: InjectedFault[] = [];
  readonly fs: fsc.FsFaults = { busy: new Map(), onlineExt4Grow: true, mkfsCount: 0 };
  iscsidUp = true;
  /** Side effects so far (commands that change state, sysfs writes, state-file writes). */
  steps = 0;
  /** Throw SimulatedCrash right after this side effect (0: never). */
  crashAt = 0;
  /** Set by a crash: the "process" is dead, every later host access throws too. */
  dead = false;

  constructor() {
    this.files = new FakeFiles(
      this.kernel,
      () => this.step(),
      () => this.assertAlive(),
    );
  }

  step(): void {
    this.steps++;
    if (this.crashAt > 0 && this.steps === this.crashAt) {
      this.dead = true;
      throw new SimulatedCrash(this.steps);
    }
  }

  assertAlive(): void {
    if (this.dead) {
      throw new SimulatedCrash(this.steps);
    }
  }

  /** The plugin restarts: the host keeps its state, the crash point is cleared. */
  revive(): void {
    this.dead = false;
    this.crashAt = 0;
  }

  /** Makes the next `times` matching calls answer `result`. */
  inject(match: InjectedFault['match'], result: InjectedFault['result'], times = 1): void {
    this.faults.push({ match, result, times });
  }

  commandsRun(cmd: string, predicate: (args: string[]) => boolean = () => true): number {
    return this.calls.filter((c) => c.cmd === cmd && predicate(c.args)).length;
  }

  async run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    await Promise.resolve();
    this.assertAlive();
    this.calls.push({ cmd, args: [...args], display: displayCommand(cmd, args, options) });
    const fault = this.faults.find((f) => f.times > 0 && f.match(cmd, args));
    let res: CmdResult;
    if (fault) {
      fault.times--;
      res = typeof fault.result === 'function' ? fault.result() : fault.result;
    } else {
      res = this.exec(cmd, args);
    }
    const result: RunResult = {
      command: displayCommand(cmd, args, options),
      code: res.timedOut ? null : res.code,
      signal: res.timedOut ? 'SIGKILL' : null,
      stdout: res.stdout ?? '',
      stderr: res.stderr ?? '',
      timedOut: res.timedOut ?? false,
    };
    if (!isReadOnlyCall(cmd, args)) {
      this.step();
    }
    return result;
  }

  private exec(cmd: string, args: readonly string[]): CmdResult {
    const k = this.kernel;
    if (cmd.startsWith('mkfs.')) {
      return fsc.mkfs(k, cmd.slice(5), args, this.fs);
    }
    switch (cmd) {
      case 'iscsiadm':
        return iscsiadm(k, args, this.iscsidUp);
      case 'multipathd':
        return multipathd(k, args);
      case 'multipath':
        return multipath(k, args, (name) => this.files.extraHolders.get(name) ?? []);
      case 'blkid':
        return fsc.blkid(k, args);
      case 'mount':
        return fsc.mount(k, args);
      case 'umount':
        return fsc.umount(k, args, this.fs);
      case 'blockdev':
        return fsc.blockdev(k, args);
      case 'dd':
        return fsc.dd(k, args);
      case 'udevadm':
        return { code: 0 };
      case 'nvme':
        return k.nvme.command(args);
      case 'modprobe':
        return k.nvme.modprobe(args);
      case 'losetup':
        return fsc.losetup(k, args);
      case 'dumpe2fs':
      case 'e2fsck':
      case 'resize2fs':
      case 'xfs_growfs':
      case 'btrfs':
        return fsc.growTools(k, cmd, args, this.fs);
      default:
        return { code: 127, stderr: `env: '${cmd}': No such file or directory\n` };
    }
  }
}
