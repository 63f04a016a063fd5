// The NVMe/TCP transport (`nvmetcp`): `nvme connect` to every port of the publish context with the
// host's NQN and id (and DH-CHAP from the node-stage secret), native NVMe multipath turning the
// paths into one namespace device, that device found by subsystem NQN + NSID and verified by NGUID
// (and UUID) before use. Format, mount, bind, grow and stats are the node's shared code, as for
// iSCSI. Unstage disconnects only when no other namespace of the subsystem is in use.
import { basename } from 'node:path';
import { dhchapFromSecrets } from '../../dhchap.js';
import { failedPrecondition, internal } from '../../errors.js';
import type { Clock } from '../../host/clock.js';
import type { HostFiles } from '../../host/files.js';
import { NvmeCli, type NvmeCliOptions } from '../../host/nvme.js';
import { type NvmeHostIdentity, readNvmeHost } from '../../host/nvme-host.js';
import {
  findNvmeSubsystem,
  namespaceSubsystemNqn,
  readNvmeNamespace,
  subsystemControllers,
} from '../../host/nvme-sysfs.js';
import type { MultipathPolicy } from '../../host/readiness.js';
import type { Runner } from '../../host/runner.js';
import type { StateStore } from '../../state/store.js';
import type { JsonObject } from '../../state/volume-state.js';
import { KeyedMutex, lockKeys } from '../locks.js';
import { type NodeLogger, silentLogger } from '../logger.js';
import type { StringMap } from '../messages.js';
import type { Attachment, AttachRequest, PathHealth, Transport } from '../transport.js';
import { defaultNvmeTiming, type NvmeContext, type NvmeTiming } from './context.js';
import {
  awaitNamespace,
  connectPortals,
  ensureModule,
  findNamespace,
  hostControllers,
  identityProblem,
  onPortal,
  portalsToUse,
} from './paths.js';
import {
  type NvmeRecord,
  type NvmeVolumeSpec,
  parseNvmeSpec,
  portalKey,
  recordFromJson,
  recordToJson,
} from './spec.js';
import { detachNvme } from './teardown.js';

export interface NvmeTransportOptions {
  readonly runner: Runner;
  readonly files: HostFiles;
  readonly clock: Clock;
  readonly multipath?: MultipathPolicy;
  readonly timing?: Partial<NvmeTiming>;
  readonly cli?: Partial<NvmeCliOptions>;
  readonly logger?: NodeLogger;
  /** The node's state store: a subsystem another staged volume uses is never disconnected. */
  readonly store?: StateStore;
  /** The host identity to use instead of /etc/nvme/hostnqn and /etc/nvme/hostid. */
  readonly identity?: NvmeHostIdentity;
}

/** DH-CHAP the publish context says the array demands must be in the node-stage secret. */
function dhchapFor(spec: NvmeVolumeSpec, secrets: StringMap | undefined) {
  const dhchap = dhchapFromSecrets(secrets);
  if (spec.dhchap !== 'none' && !dhchap) {
    throw failedPrecondition(
      `${spec.nqn} demands DH-CHAP from this host: put dhchapKey${spec.dhchap === 'bidirectional' ? ' and dhchapCtrlKey' : ''} into the node-stage secret`,
    );
  }
  if (spec.dhchap === 'bidirectional' && !dhchap?.ctrlKey) {
    throw failedPrecondition(`${spec.nqn} uses bidirectional DH-CHAP: put dhchapCtrlKey into the node-stage secret`);
  }
  return dhchap;
}

export class NvmeTransport implements Transport {
  readonly name = 'nvmetcp';
  private readonly ctx: NvmeContext;

  constructor(options: NvmeTransportOptions) {
    let identity: Promise<NvmeHostIdentity> | undefined;
    const files = options.files;
    this.ctx = {
      runner: options.runner,
      files,
      clock: options.clock,
      cli: new NvmeCli(options.runner, options.cli),
      locks: new KeyedMutex(),
      logger: options.logger ?? silentLogger,
      timing: { ...defaultNvmeTiming, ...options.timing },
      policy: options.multipath ?? 'required',
      store: options.store,
      identity: () => {
        identity ??= (async () => {
          const found = options.identity ?? (await readNvmeHost(files));
          if (!found) {
            throw failedPrecondition(
              'this node has no NVMe host NQN (/etc/nvme/hostnqn): install nvme-cli and run nvme gen-hostnqn > /etc/nvme/hostnqn',
            );
          }
          return found;
        })().catch((err: unknown) => {
          identity = undefined;
          throw err;
        });
        return identity;
      },
    };
  }

  validate(publishContext: StringMap): void {
    parseNvmeSpec(publishContext);
  }

  async intent(publishContext: StringMap): Promise<JsonObject> {
    const spec = parseNvmeSpec(publishContext);
    const { hostnqn } = await this.ctx.identity();
    return recordToJson({ ...spec, hostnqn });
  }

  async attach(request: AttachRequest): Promise<Attachment> {
    const { ctx } = this;
    const spec = parseNvmeSpec(request.publishContext);
    const dhchap = dhchapFor(spec, request.secrets);
    const { hostnqn } = await ctx.identity();
    await ensureModule(ctx);
    const portals = await portalsToUse(ctx, spec);
    const ns = await ctx.locks.with(lockKeys.target(spec.nqn), async () => {
      const { connected, failures } = await connectPortals(ctx, spec, portals, dhchap);
      if (connected === 0) {
        // A refusal (DH-CHAP, host not allowed) says more than a port that did not answer.
        const rank = (kind: string) => ['Unauthenticated', 'FailedPrecondition'].indexOf(kind) + 1 || 9;
        const [telling] = [...failures].sort((a, b) => rank(a.kind) - rank(b.kind));
        throw telling ?? internal(`no NVMe path to ${spec.nqn} could be connected`);
      }
      return awaitNamespace(ctx, spec);
    });
    const { controllers } = await hostControllers(ctx, spec.nqn);
    const record: NvmeRecord = { ...spec, portals, hostnqn };
    return {
      device: `/dev/${ns.name}`,
      ...(ns.wwid ? { wwid: ns.wwid } : {}),
      paths: controllers.filter((c) => c.hostnqn === hostnqn).map((c) => c.name),
      record: recordToJson(record),
    };
  }

  async resolve(json: JsonObject): Promise<string | undefined> {
    const record = recordFromJson(json);
    const ns = await findNamespace(this.ctx, record);
    return ns && identityProblem(ns, record) === undefined ? `/dev/${ns.name}` : undefined;
  }

  async detach(json: JsonObject): Promise<void> {
    await detachNvme(this.ctx, recordFromJson(json));
  }

  async rescanForResize(json: JsonObject): Promise<void> {
    const record = recordFromJson(json);
    const { controllers } = await hostControllers(this.ctx, record.nqn);
    const live = controllers.filter((c) => c.state === 'live');
    if (live.length === 0) {
      throw internal(`no live NVMe path to ${record.nqn} to rescan`);
    }
    for (const ctrl of live) {
      await this.ctx.cli.nsRescan(ctrl.name);
    }
  }

  async health(json: JsonObject): Promise<PathHealth> {
    const record = recordFromJson(json);
    const { controllers } = await hostControllers(this.ctx, record.nqn);
    const problems: string[] = [];
    let live = 0;
    for (const portal of record.portals) {
      const ctrl = controllers.find((c) => onPortal(c, portal) && (!record.hostnqn || c.hostnqn === record.hostnqn));
      if (ctrl?.state === 'live') {
        live++;
      } else {
        problems.push(`path ${portalKey(portal)} is ${ctrl ? `${ctrl.state} (${ctrl.name})` : 'not connected'}`);
      }
    }
    const ns = await findNamespace(this.ctx, record);
    if (!ns) {
      problems.unshift(`namespace ${record.nsid} of ${record.nqn} is not on this host`);
    }
    const summary = `${live}/${record.portals.length} paths live`;
    if (live === 0 || !ns) {
      return { abnormal: true, message: `${problems.join('; ')} (${summary})` };
    }
    return { abnormal: false, message: problems.length > 0 ? `${summary}; ${problems.join('; ')}` : summary };
  }

  async adopt(device: string): Promise<JsonObject | undefined> {
    const { files } = this.ctx;
    const real = await files.realpath(device);
    const name = real ? basename(real) : '';
    if (!/^nvme\d+n\d+$/.test(name)) {
      return undefined;
    }
    const ns = await readNvmeNamespace(files, name);
    const nqn = await namespaceSubsystemNqn(files, name);
    if (!ns?.nguid || !nqn) {
      return undefined;
    }
    const subsys = await findNvmeSubsystem(files, nqn);
    const controllers = subsys ? await subsystemControllers(files, subsys) : [];
    return recordToJson({
      nqn,
      portals: controllers.flatMap((c) =>
        c.address.trsvcid === undefined ? [] : [{ traddr: c.address.traddr, trsvcid: c.address.trsvcid }],
      ),
      nsid: ns.nsid,
      nguid: ns.nguid,
      ...(ns.uuid ? { uuid: ns.uuid } : {}),
      ...(controllers[0]?.hostnqn ? { hostnqn: controllers[0].hostnqn } : {}),
    });
  }
}
