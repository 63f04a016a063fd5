// The Synology backend fixture for the kube harness: the DSM simulator (TLS, its own certificate)
// with csp-synology in front of it on 127.0.0.1 (service mode: the driver names the NAS in every
// call). Faults are planned on the simulator, so they travel the real path: DSM envelope → CSP
// problem → HTTP status → gRPC code. The audit is the simulator's leak audit plus open portal
// sessions and the CSP's host registrations; a restart loses every token and registration.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '@opencsp/csp-spec';
import { parseOptions } from '@opencsp/csp-spec/options';
import { buildSynologyCsp, optionTable, type SynologyCsp, type SynologyOptions } from '@opencsp/csp-synology';
import { type Logger, pino } from 'pino';
import { writeServingFiles } from '../../common/index.js';
import { codes, DsmSimulator, type DsmSimulatorOptions, defaultAdmin, type ScriptedFault } from '../../dsm/index.js';
import { harnessAccess, removeHostThroughCsp } from './csp-admin.js';
import { lunUuidOf, synologyLuns } from './synology-luns.js';
import { type KnownNode, reachableInitiators } from './synology-reach.js';
import type { BackendFixture, CreateFault, CspHandle, HostView, LunSource } from './types.js';

export interface SynologyBackendOptions {
  /** Synology model the simulator plays (default DS923+: 256 LUNs, 128 targets). */
  model?: string;
  /** More simulator settings (knobs default to short DSM locks and deletes). */
  sim?: DsmSimulatorOptions;
  /** CSP settings on top of its defaults (e.g. `masking: 'chap'`). */
  csp?: Partial<SynologyOptions>;
  /** The CSP's logger (default: silent, or `HARNESS_CSP_LOG_LEVEL`). */
  logger?: Logger;
}

export interface SynologyBackend extends BackendFixture {
  sim: DsmSimulator;
  /** The running CSP (replaced by `restart()`). */
  readonly csp: SynologyCsp;
  port: number;
  readonly luns: LunSource;
  /**
   * The backing file of the LUN a publish context points at (by `serialNumber`, else by
   * `targetNames` + `lunId`): what the loop transport attaches in place of an iSCSI login.
   */
  backingFile(publishContext: Record<string, string>): Promise<string>;
}

/** DSM's asynchronous work, shortened so that harness scenarios run in seconds. */
export const quickDsmKnobs = {
  lockAfterCreateMs: 30,
  lockAfterCloneMs: 60,
  lockAfterResizeMs: 30,
  deleteDelayMs: 30,
};

/** How DSM answers a `SYNO.Core.ISCSI.LUN create` that the CSP must report as each reason. */
const plannedCreateFailures: Partial<Record<CreateFault, ScriptedFault>> = {
  OUT_OF_SPACE: { dsmError: codes.outOfSpace },
  LIMIT_EXCEEDED: { dsmError: codes.lunLimit },
  // Another client created the name between the CSP's lookup and its create.
  NAME_TAKEN: { dsmError: codes.duplicateLunName },
  // DSM's "bad description" (synology-csi issue #134).
  INVALID_INPUT: { dsmError: codes.badDescription },
  INTERNAL: { dsmError: codes.unknown },
  // DSM creates the LUN and the answer is lost: the CSP must find the LUN by name and remove it.
  UNAVAILABLE: 'lose-answer',
};

/** The publish context's LUN: by serial, else by target and LUN number. */
function lookupOf(context: Record<string, string>) {
  if (context.serialNumber) {
    return { serial: context.serialNumber };
  }
  const target = context.targetNames?.split(',')[0];
  const lun = Number(context.lunId);
  if (target && Number.isInteger(lun)) {
    return { target, lun };
  }
  throw new Error('the publish context has neither serialNumber nor targetNames and lunId');
}

export async function synologyBackend(options: SynologyBackendOptions = {}): Promise<SynologyBackend> {
  const sim = await DsmSimulator.start({
    model: options.model ?? 'DS923+',
    tls: true,
    ...options.sim,
    knobs: { ...quickDsmKnobs, ...options.sim?.knobs },
  });
  const dir = await mkdtemp(join(tmpdir(), 'synology-csp-'));
  try {
    const { values } = parseOptions(optionTable, [], {});
    const { certFile, keyFile } = await writeServingFiles(dir);
    const settings: SynologyOptions = {
      ...values,
      certFile,
      keyFile,
      dsmUrl: sim.url,
      pollInterval: 10,
      ...options.csp,
    };
    const logger = options.logger ?? pino({ level: process.env.HARNESS_CSP_LOG_LEVEL ?? 'silent' });
    const build = () => buildSynologyCsp(settings, logger, { ca: sim.certificate, responseValidation: 'strict' });
    let csp = await build();
    await csp.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (csp.app.server.address() as AddressInfo).port;
    const secrets = {
      backend: sim.url,
      username: defaultAdmin.username,
      password: defaultAdmin.password,
      serviceName: '127.0.0.1',
      servicePort: String(port),
    };
    const hosts = async (): Promise<SynologyHost[]> => {
      const registry = csp.provider.shared.hosts;
      return registry.list(sim.serial).map((h) => ({ ...h, chap: registry.get(sim.serial, h.uuid)?.chap }));
    };
    const handle: SynologyCspHandle = {
      access: await harnessAccess(secrets),
      get metricsUrl() {
        return csp.metricsUrl;
      },
      async restart() {
        await csp.shutdown();
        csp = await build();
        await csp.app.listen({ host: '127.0.0.1', port });
      },
      hosts,
    };
    const stop = async () => {
      try {
        await csp.shutdown();
      } finally {
        await sim.close();
        await rm(dir, { recursive: true, force: true });
      }
    };
    // The CSP is replaced by `restart()`: `csp` stays a getter (Object.assign would copy its value).
    return Object.defineProperties(synologyFixture(sim, secrets, settings.namePrefix, handle, stop), {
      sim: { value: sim, enumerable: true },
      csp: { get: () => csp, enumerable: true },
      port: { value: port, enumerable: true },
    }) as SynologyBackend;
  } catch (err) {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** A host as the CSP keeps it, with its CHAP secrets where the test can read them (in-process). */
export type SynologyHost = Host & { chap?: KnownNode['chap'] };

/** csp-synology keeps host registrations in its memory: the fixture asks the CSP for them. */
export interface SynologyCspHandle extends CspHandle {
  hosts(): Promise<SynologyHost[]>;
}

/**
 * The fixture of a DSM simulator with a csp-synology in front of it, wherever that CSP runs:
 * `secrets` are what a StorageClass secret holds for it, `stop` ends what the caller started.
 */
export function synologyFixture(
  sim: DsmSimulator,
  secrets: Record<string, string>,
  namePrefix: string,
  csp: SynologyCspHandle,
  stop: () => Promise<void>,
): BackendFixture & { readonly luns: LunSource; backingFile(publishContext: Record<string, string>): Promise<string> } {
  return {
    name: `synology-${sim.state.model.model}`,
    secrets,
    parameters: { location: 'volume1', provisioning: 'thin' },
    // DSM's smallest LUN; csp-synology rounds smaller requests up.
    minVolumeSize: 1024 ** 3,
    // One target per node; DSM numbers a target's LUNs from 1.
    layout: { targetScope: 'group', firstLunId: 1 },
    createFaults: Object.keys(plannedCreateFailures) as CreateFault[],
    failNextCreate(fault) {
      const failure = plannedCreateFailures[fault];
      if (!failure) {
        throw new Error(`the Synology backend cannot make DSM answer ${fault}`);
      }
      sim.failNext(1, failure, /^SYNO\.Core\.ISCSI\.LUN\.create$/);
    },
    async audit() {
      const { leaks } = await sim.audit();
      return [
        ...leaks,
        ...sim.portalSessions().map((s) => `iscsi session ${s.initiator} → ${s.target}`),
        ...(await csp.hosts()).map((h) => `host ${h.uuid} registered with the CSP (${(h.iqns ?? []).join(',')})`),
      ];
    },
    restart: () => csp.restart(),
    arrayLogins: () => sim.calls.byMethod()['SYNO.API.Auth.login'] ?? 0,
    async volumeCount() {
      return [...sim.state.luns.values()].filter((l) => l.name.startsWith(namePrefix) && l.deletingUntil === undefined)
        .length;
    },
    async host(uuid): Promise<HostView | undefined> {
      const found = (await csp.hosts()).find((h) => h.uuid === uuid);
      return found && { uuid, iqns: found.iqns ?? [], chapUser: found.chap_user, networks: found.networks };
    },
    async initiatorsOf(volumeId) {
      const uuid = lunUuidOf(sim, volumeId);
      const nodes = (await csp.hosts()).map((h) => ({ iqns: h.iqns ?? [], chap: h.chap }));
      return uuid === undefined ? [] : reachableInitiators(sim, nodes, uuid);
    },
    removeHost: (uuid) => removeHostThroughCsp(secrets, uuid, csp.access),
    luns: synologyLuns(sim),
    get metricsUrl() {
      return csp.metricsUrl;
    },
    async backingFile(publishContext) {
      const lookup = lookupOf(publishContext);
      const file = sim.backingFile(lookup);
      if (!file) {
        throw new Error(`the DSM simulator has no published LUN for ${JSON.stringify(lookup)}`);
      }
      return file;
    },
    stop,
  };
}
