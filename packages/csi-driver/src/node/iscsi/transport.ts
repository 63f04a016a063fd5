// The iSCSI transport: sessions to every target portal of the publish context (CHAP from the
// node-stage secret), a targeted scan of the volume's LUN, verified path devices, and the
// multipath map over them. See teardown.ts for the way back.
import { basename } from 'node:path';
import { type DriverError, internal, isDriverError } from '../../errors.js';
import type { Clock } from '../../host/clock.js';
import type { HostFiles } from '../../host/files.js';
import { kernelSessions } from '../../host/iscsi-sessions.js';
import { Iscsiadm, type IscsiadmOptions } from '../../host/iscsiadm.js';
import { Multipath } from '../../host/multipath.js';
import type { MultipathPolicy } from '../../host/readiness.js';
import type { Runner } from '../../host/runner.js';
import { diskSession, rescanScsiDevice, scsiDeviceState, scsiHctl, scsiIdentity, slaves } from '../../host/sysfs.js';
import type { JsonObject } from '../../state/volume-state.js';
import { KeyedMutex, lockKeys } from '../locks.js';
import { type NodeLogger, silentLogger } from '../logger.js';
import type { StringMap } from '../messages.js';
import type { Attachment, AttachRequest, PathHealth, Transport } from '../transport.js';
import { defaultIscsiTiming, type IscsiContext, type IscsiTiming } from './context.js';
import { locatePaths } from './locate.js';
import { resolveDevice } from './map.js';
import { type PathDevice, pathDevice } from './paths.js';
import { type IscsiRecord, parseIscsiSpec, recordFromJson, recordToJson } from './record.js';
import { addressPortal, ensureSessions, findSession } from './session.js';
import { detachIscsi, findMap } from './teardown.js';

export interface IscsiTransportOptions {
  readonly runner: Runner;
  readonly files: HostFiles;
  readonly clock: Clock;
  readonly multipath?: MultipathPolicy;
  readonly timing?: Partial<IscsiTiming>;
  readonly iscsiadm?: Partial<IscsiadmOptions>;
  readonly logger?: NodeLogger;
}

export class IscsiTransport implements Transport {
  readonly name = 'iscsi';
  private readonly ctx: IscsiContext;

  constructor(options: IscsiTransportOptions) {
    this.ctx = {
      runner: options.runner,
      files: options.files,
      clock: options.clock,
      iscsiadm: new Iscsiadm(options.runner, options.clock, options.iscsiadm),
      multipath: new Multipath(options.runner),
      locks: new KeyedMutex(),
      logger: options.logger ?? silentLogger,
      timing: { ...defaultIscsiTiming, ...options.timing },
      policy: options.multipath ?? 'required',
    };
  }

  validate(publishContext: StringMap): void {
    parseIscsiSpec(publishContext);
  }

  async intent(publishContext: StringMap): Promise<JsonObject> {
    const spec = parseIscsiSpec(publishContext);
    const targets = spec.iqns.flatMap((iqn) => spec.portals.map((portal) => ({ iqn, portal })));
    return recordToJson({ targets, lun: spec.lun, serial: spec.serial, scope: spec.scope });
  }

  async attach(request: AttachRequest): Promise<Attachment> {
    const spec = parseIscsiSpec(request.publishContext);
    const { ctx } = this;
    const paths: PathDevice[] = [];
    const failures: DriverError[] = [];
    // Every portal at once; with multipath off, one portal at a time until one gives a path.
    const batches = ctx.policy === 'off' ? spec.portals.map((p) => [p]) : [spec.portals];
    for (const iqn of spec.iqns) {
      await ctx.locks.with(lockKeys.target(iqn), async () => {
        for (const batch of batches) {
          if (ctx.policy === 'off' && paths.length > 0) {
            return;
          }
          const sessions = await ensureSessions(ctx.iscsiadm, ctx.files, iqn, batch, request.chap, ctx.logger);
          const found = await Promise.all(
            sessions.map((s) =>
              'error' in s
                ? { portal: s.portal, error: s.error }
                : pathDevice(ctx, s.session, iqn, spec.lun, spec.serial).then(
                    (path) => ({ portal: s.portal, path }),
                    (error: unknown) => ({ portal: s.portal, error }),
                  ),
            ),
          );
          for (const result of found) {
            if ('path' in result) {
              paths.push(result.path);
              continue;
            }
            const { portal, error } = result;
            const failure = isDriverError(error)
              ? error
              : internal(`attaching ${iqn} via ${portal}: ${String(error)}`, error);
            failures.push(failure);
            ctx.logger.warn({ volumeId: request.volumeId, iqn, portal, err: failure.message }, 'iSCSI path failed');
          }
        }
      });
    }
    const [first] = paths;
    if (!first) {
      throw failures[0] ?? internal('no iSCSI path could be attached');
    }
    const resolved = await resolveDevice(ctx.files, ctx.clock, ctx.timing, ctx.policy, paths, ctx.logger);
    const targets = spec.iqns.flatMap((iqn) => spec.portals.map((portal) => ({ iqn, portal })));
    const record: IscsiRecord = {
      targets,
      lun: spec.lun,
      serial: spec.serial,
      scope: spec.scope,
      wwid: first.wwid,
      mpathWwid: resolved.mpathWwid,
    };
    const tried = paths.length + failures.length;
    return {
      device: resolved.device,
      wwid: first.wwid,
      paths: paths.map((p) => p.name),
      record: recordToJson(record),
      counts: { pathsActive: paths.length, pathsTotal: tried, sessionsUp: paths.length, sessionsTotal: tried },
    };
  }

  async resolve(json: JsonObject): Promise<string | undefined> {
    const record = recordFromJson(json);
    const paths = await locatePaths(this.ctx, record);
    const dm = await findMap(this.ctx.files, record, paths);
    if (dm) {
      return `/dev/mapper/${(await this.ctx.files.readText(`/sys/block/${dm}/dm/name`))?.trim() ?? dm}`;
    }
    const [first] = paths;
    return first && this.ctx.policy !== 'required' ? `/dev/${first.name}` : undefined;
  }

  async detach(json: JsonObject): Promise<void> {
    await detachIscsi(this.ctx, recordFromJson(json));
  }

  async rescanForResize(json: JsonObject): Promise<void> {
    const record = recordFromJson(json);
    const paths = await locatePaths(this.ctx, record);
    for (const path of paths) {
      await rescanScsiDevice(this.ctx.files, path.name);
    }
    const dm = await findMap(this.ctx.files, record, paths);
    if (dm) {
      const name = (await this.ctx.files.readText(`/sys/block/${dm}/dm/name`))?.trim() ?? dm;
      await this.ctx.multipath.resize(name);
    }
  }

  async health(json: JsonObject): Promise<PathHealth> {
    const record = recordFromJson(json);
    const { ctx } = this;
    const problems: string[] = [];
    const iqns = new Set(record.targets.map((t) => t.iqn));
    const sessions = await kernelSessions(ctx.files, (target) => iqns.has(target));
    let sessionsUp = 0;
    for (const { iqn, portal } of record.targets) {
      const state = findSession(sessions, iqn, await addressPortal(portal).catch(() => portal))?.state;
      if (state === 'LOGGED_IN') {
        sessionsUp++;
      } else {
        problems.push(`session to ${iqn} at ${portal} is ${state ?? 'missing'}`);
      }
    }
    const paths = await locatePaths(ctx, record);
    const dm = await findMap(ctx.files, record, paths);
    const active = dm ? await this.activeMapPaths(dm) : await this.runningPaths(paths.map((p) => p.name));
    const total = dm ? (await slaves(ctx.files, dm)).length : paths.length;
    if (active === 0) {
      problems.push(dm ? `multipath map ${dm} has no active path` : 'no path device is attached');
    }
    const summary = `${active}/${total} paths active`;
    const counts = { pathsActive: active, pathsTotal: total, sessionsUp, sessionsTotal: record.targets.length };
    return problems.length > 0
      ? { abnormal: true, message: `${problems.join('; ')} (${summary})`, counts }
      : { abnormal: false, message: summary, counts };
  }

  private async activeMapPaths(dm: string): Promise<number> {
    const names = await slaves(this.ctx.files, dm);
    const mapName = (await this.ctx.files.readText(`/sys/block/${dm}/dm/name`))?.trim() ?? dm;
    try {
      const paths = await this.ctx.multipath.paths();
      return paths.filter((p) => names.includes(p.dev) && p.dmState === 'active' && p.checkerState !== 'faulty').length;
    } catch {
      const [topology] = await this.ctx.multipath.topology(mapName);
      return (topology?.paths ?? []).filter((p) => p.dmState === 'active' && p.checkerState !== 'faulty').length;
    }
  }

  private async runningPaths(names: readonly string[]): Promise<number> {
    let running = 0;
    for (const name of names) {
      if ((await scsiDeviceState(this.ctx.files, name)) === 'running') {
        running++;
      }
    }
    return running;
  }

  async adopt(device: string): Promise<JsonObject | undefined> {
    const { files } = this.ctx;
    const real = await files.realpath(device);
    if (!real) {
      return undefined;
    }
    const name = basename(real);
    const pathNames = name.startsWith('dm-') ? await slaves(files, name) : [name];
    const sessions = await kernelSessions(files);
    const targets: { iqn: string; portal: string }[] = [];
    let lun = -1;
    for (const path of pathNames) {
      const sid = await diskSession(files, path);
      const session = sessions.find((s) => s.sid === sid);
      const hctl = await scsiHctl(files, path);
      if (!session || !hctl) {
        return undefined;
      }
      targets.push({ iqn: session.target, portal: session.portal });
      lun = Number(hctl.split(':')[3]);
    }
    const [first] = pathNames;
    if (!first) {
      return undefined;
    }
    const id = await scsiIdentity(files, first);
    const uuid = name.startsWith('dm-') ? (await files.readText(`/sys/block/${name}/dm/uuid`))?.trim() : undefined;
    return recordToJson({
      targets,
      lun,
      // Unknown after a lost state file: 'group' never logs out, the safe choice for a shared target.
      scope: 'group',
      wwid: id.wwid,
      mpathWwid: uuid?.startsWith('mpath-') ? uuid.slice('mpath-'.length) : undefined,
    });
  }
}
