// The testbed's `loop` transport: it stands in for the iSCSI login on machines without a kernel
// initiator. A resolver maps the publish context to the LUN's backing file (the simulators know
// which file holds which LUN); losetup makes it a block device, and everything after attach (mkfs,
// mount, bind, grow, stats) runs for real in the node service.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  type Attachment,
  type AttachRequest,
  DriverError,
  type HostFiles,
  type JsonObject,
  KeyedMutex,
  loopBackingFile,
  type PathHealth,
  pollUntil,
  type Runner,
  realClock,
  type StringMap,
  type Transport,
} from '@opencsp/csi-driver/node';
import { whyBusy } from './busy.js';
import { attachLoop, detachLoop, loopDevicesOf, refreshLoopSize } from './losetup.js';

/** Maps a publish context to the absolute path of the LUN's backing file. */
export type BackingResolver = (publishContext: StringMap) => Promise<string>;

/**
 * The iSCSI login and logout the loop device stands in for, played against an array simulator
 * (its initiator ACL and CHAP). `login` runs before losetup, is idempotent, throws a DriverError
 * when the array refuses (as the real transport would), and returns what `logout` needs (no
 * secrets: it is kept in the node's state file). `logout` runs after the loop device is gone.
 */
export interface LoopSessions {
  login(request: AttachRequest): Promise<JsonObject>;
  logout(session: JsonObject): Promise<void>;
}

export interface LoopTransportOptions {
  readonly runner: Runner;
  readonly files: HostFiles;
  readonly resolve: BackingResolver;
  /** Optional simulated iSCSI sessions around attach and detach. */
  readonly sessions?: LoopSessions;
  /** The protocol this transport answers for (default iscsi, the one it stands in for). */
  readonly name?: string;
  /** The real transport's publish-context check (INVALID_ARGUMENT before anything changes). */
  readonly validate?: (publishContext: StringMap) => void;
  /** How long detach waits for a busy loop device to go (default 15 s). */
  readonly detachTimeoutMs?: number;
}

function fileOf(record: JsonObject): string {
  if (typeof record.file !== 'string' || record.file === '') {
    throw new DriverError('Internal', 'loop attachment record has no backing file');
  }
  return record.file;
}

/** A loop device is one path over one (simulated) session: up (1) or not (0). */
const onePath = (up: 0 | 1) => ({ pathsActive: up, pathsTotal: 1, sessionsUp: up, sessionsTotal: 1 });

export class LoopTransport implements Transport {
  readonly name: string;
  private readonly runner: Runner;
  private readonly files: HostFiles;
  private readonly resolver: BackingResolver;
  private readonly sessions: LoopSessions | undefined;
  private readonly check: ((publishContext: StringMap) => void) | undefined;
  /** losetup --find is racy between concurrent attaches of one file. */
  private readonly locks = new KeyedMutex();
  private readonly detachTimeoutMs: number;

  constructor(options: LoopTransportOptions) {
    this.name = options.name ?? 'iscsi';
    this.runner = options.runner;
    this.files = options.files;
    this.resolver = options.resolve;
    this.sessions = options.sessions;
    this.check = options.validate;
    this.detachTimeoutMs = options.detachTimeoutMs ?? 15_000;
  }

  validate(publishContext: StringMap): void {
    // Without a check, what a publish context must hold is the resolver's business.
    this.check?.(publishContext);
  }

  private async backingFile(publishContext: StringMap): Promise<string> {
    const file = await this.resolver(publishContext);
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) {
      throw new DriverError('NotFound', `backing file ${file} of the published LUN does not exist`);
    }
    return file;
  }

  async intent(publishContext: StringMap): Promise<JsonObject> {
    return { file: await this.backingFile(publishContext) };
  }

  async attach(request: AttachRequest): Promise<Attachment> {
    const file = await this.backingFile(request.publishContext);
    const session = this.sessions ? await this.sessions.login(request) : undefined;
    return this.locks.with(file, async () => {
      const [existing] = await loopDevicesOf(this.runner, file);
      const device = existing ?? (await attachLoop(this.runner, file));
      return {
        device,
        paths: [basename(device)],
        record: { file, ...(session ? { session } : {}) },
        counts: onePath(1),
      };
    });
  }

  async resolve(record: JsonObject): Promise<string | undefined> {
    const [device] = await loopDevicesOf(this.runner, fileOf(record));
    return device;
  }

  async detach(record: JsonObject): Promise<void> {
    const file = fileOf(record);
    await this.locks.with(file, async () => {
      for (const device of await loopDevicesOf(this.runner, file)) {
        await detachLoop(this.runner, device);
      }
      // A device still open somewhere (a mount another mount namespace still holds, a probe) is
      // only marked for detach and goes with its last user: wait for that, as the iSCSI transport
      // waits for its devices to go after a logout.
      const gone = await pollUntil(realClock, this.detachTimeoutMs, 200, async () =>
        (await loopDevicesOf(this.runner, file)).length === 0 ? true : undefined,
      );
      if (!gone) {
        const left = await loopDevicesOf(this.runner, file);
        const why = await Promise.all(left.map(async (d) => `${d} ${await whyBusy(this.files, d)}`));
        throw new DriverError(
          'FailedPrecondition',
          `still attached to ${file} ${this.detachTimeoutMs / 1000} s after losetup -d: ${why.join('; ')}`,
        );
      }
    });
    const session = record.session;
    if (this.sessions && session && typeof session === 'object' && !Array.isArray(session)) {
      await this.sessions.logout(session);
    }
  }

  async rescanForResize(record: JsonObject): Promise<void> {
    for (const device of await loopDevicesOf(this.runner, fileOf(record))) {
      await refreshLoopSize(this.runner, device);
    }
  }

  async health(record: JsonObject): Promise<PathHealth> {
    const file = fileOf(record);
    const [device] = await loopDevicesOf(this.runner, file);
    if (!device) {
      return { abnormal: true, message: `no loop device is attached to ${file}`, counts: onePath(0) };
    }
    const backing = await loopBackingFile(this.files, basename(device));
    if (!backing || backing.endsWith('(deleted)')) {
      return { abnormal: true, message: `${device} lost its backing file ${file}`, counts: onePath(0) };
    }
    return { abnormal: false, message: `1/1 paths active (${device})`, counts: onePath(1) };
  }

  async adopt(device: string): Promise<JsonObject | undefined> {
    const real = await this.files.realpath(device);
    const name = real ? basename(real) : '';
    if (!name.startsWith('loop')) {
      return undefined;
    }
    const file = await loopBackingFile(this.files, name);
    return file ? { file } : undefined;
  }
}
