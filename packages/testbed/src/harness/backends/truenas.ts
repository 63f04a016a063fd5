// The TrueNAS backend: the simulator with csp-truenas in front of it (service mode: the driver
// names the array in every call). Faults are planned on the simulator, so they travel the real
// path: TrueNAS error envelope → CSP problem → HTTP status → gRPC code. The audit is the
// simulator's leak audit; a restart restarts the CSP (tokens lost, the driver logs in again).
import { userProperty } from '@opencsp/csp-truenas';
import type { Logger } from 'pino';
import { type LeakAudit, type PlannedFailure, startTrueNasStack, type TrueNasStack } from '../../truenas/index.js';
import type { TrueNasSimulator, TrueNasSimulatorOptions } from '../../truenas/simulator.js';
import { harnessAccess, removeHostThroughCsp } from './csp-admin.js';
import { truenasLuns } from './truenas-luns.js';
import type { BackendFixture, CreateFault, CspHandle, LunSource } from './types.js';

export interface TrueNasBackend extends BackendFixture {
  readonly stack: TrueNasStack;
  readonly luns: LunSource;
  /** The zvol dataset behind a volume id (`tank~k8s~pvc-1` → `tank/k8s/pvc-1`). */
  datasetOf(volumeId: string): string;
}

export interface TrueNasBackendOptions {
  sim?: TrueNasSimulatorOptions;
  /** Extra csp-truenas flags. */
  cspArgs?: string[];
  logger?: Logger;
}

/** How TrueNAS itself answers a failed `pool.dataset.create` that the CSP must report as each reason. */
const plannedCreateFailures: Partial<Record<CreateFault, PlannedFailure>> = {
  // The middleware's 80% rule: a validation error on volsize (csp-truenas: 507 OUT_OF_SPACE).
  OUT_OF_SPACE: {
    attribute: 'pool_dataset_create.volsize',
    message: 'It is not recommended to use more than 80% of your available space for VOLUME',
  },
  UNAVAILABLE: { errno: 'EBUSY', message: 'Resource busy' },
  INTERNAL: { errno: 'EIO', message: 'I/O error while creating the zvol' },
  // Another client created the dataset between the CSP's lookup and its create.
  NAME_TAKEN: { errno: 'EEXIST', message: 'Path already exists' },
};

export function leakLines(audit: LeakAudit): string[] {
  return [
    ...audit.datasets.map((d) => `dataset ${d.name} (${d.type})`),
    ...audit.snapshots.map((s) => `snapshot ${s}`),
    ...audit.targets.map((t) => `target ${t.name} (#${t.id})`),
    ...audit.extents.map((e) => `extent ${e.name} (${e.disk ?? 'no disk'})`),
    ...audit.targetextents.map((m) => `lun mapping target #${m.target} extent #${m.extent} lun ${m.lunid}`),
    ...audit.initiators.map((i) => `initiator group ${i.comment} [${i.initiators.join(',')}]`),
    ...audit.auth.map((a) => `chap user ${a.user} (tag ${a.tag})`),
    ...audit.sessions.map((s) => `iscsi session ${s.initiator} → ${s.target}`),
    ...audit.nvmetSubsystems.map((s) => `nvme subsystem ${s.name} (#${s.id})`),
    ...audit.nvmetNamespaces.map((n) => `nvme namespace ${n.nsid} of subsystem #${n.subsys} (${n.path})`),
    ...audit.nvmetHostLinks.map((l) => `nvme host #${l.host} → subsystem #${l.subsys}`),
    ...audit.nvmetPortLinks.map((l) => `nvme port #${l.port} → subsystem #${l.subsys}`),
    ...audit.nvmetHosts.map((h) => `nvme host ${h.hostnqn}`),
    ...audit.nvmeSessions.map((s) => `nvme session ${s.hostnqn} → subsystem #${s.subsys}`),
  ];
}

export async function truenasBackend(options: TrueNasBackendOptions = {}): Promise<TrueNasBackend> {
  const stack = await startTrueNasStack({
    ...(options.sim ? { sim: options.sim } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    cspArgs: ['--response-validation', 'strict', ...(options.cspArgs ?? [])],
  });
  const secrets = {
    backend: stack.sim.address,
    ...stack.credentials,
    serviceName: '127.0.0.1',
    servicePort: new URL(stack.baseUrl).port,
  };
  const csp: CspHandle = {
    access: await harnessAccess(secrets),
    get metricsUrl() {
      return stack.csp.metricsUrl;
    },
    restart: () => stack.restartCsp(),
  };
  return Object.assign(
    truenasFixture(stack.sim, secrets, csp, () => stack.stop()),
    { stack },
  );
}

/**
 * The fixture of a TrueNAS simulator with a CSP in front of it, wherever that CSP runs: `secrets`
 * are what a StorageClass secret holds for it, `stop` ends what the caller started.
 */
export function truenasFixture(
  sim: TrueNasSimulator,
  secrets: Record<string, string>,
  csp: CspHandle,
  stop: () => Promise<void>,
): BackendFixture & { readonly luns: LunSource; datasetOf(volumeId: string): string } {
  const datasetOf = (volumeId: string) => volumeId.replaceAll('~', '/').replaceAll('+', '_');
  const { iscsi } = sim.core;
  return {
    name: 'truenas',
    secrets,
    parameters: { compression: 'LZ4', volblocksize: '16K' },
    // csp-truenas: one volblocksize (the parameters' 16K).
    minVolumeSize: 16 * 1024,
    layout: { targetScope: 'volume', firstLunId: 0 },
    createFaults: Object.keys(plannedCreateFailures) as CreateFault[],
    failNextCreate(fault) {
      const failure = plannedCreateFailures[fault];
      if (!failure) {
        throw new Error(`the TrueNAS backend cannot make the array answer ${fault}`);
      }
      sim.failNext('pool.dataset.create', failure);
    },
    datasetOf,
    audit: async () => leakLines(sim.audit()),
    restart: () => csp.restart(),
    arrayLogins() {
      const calls = sim.calls.byMethod();
      return (calls['auth.login_ex'] ?? 0) + (calls['auth.login'] ?? 0) + (calls['auth.login_with_api_key'] ?? 0);
    },
    volumeCount: async () => sim.audit().datasets.filter((d) => d.type === 'VOLUME').length,
    async host(uuid) {
      const group = iscsi.initiators.find(
        (g) => g.comment === `opencsp:host:${uuid}` || g.comment.startsWith(`opencsp:host:${uuid} `),
      );
      if (!group) {
        return undefined;
      }
      const chap = /\s(?:m?chap):(\S+)$/.exec(group.comment)?.[1];
      const nqns = group.initiators.filter((i) => i.startsWith('nqn.'));
      return {
        uuid,
        iqns: group.initiators.filter((i) => !i.startsWith('nqn.')),
        chapUser: chap,
        ...(nqns.length > 0 ? { nqns } : {}),
      };
    },
    async initiatorsOf(volumeId) {
      const user = sim.core.zfs.datasets.get(datasetOf(volumeId))?.user;
      const subsysId = Number(user?.get(userProperty.subsysId));
      if (Number.isInteger(subsysId) && subsysId > 0) {
        const { nvmet } = sim.core;
        return nvmet.hostSubsys
          .rows()
          .filter((l) => l.subsys_id === subsysId)
          .flatMap((l) => [nvmet.hosts.get(l.host_id)?.hostnqn ?? []].flat());
      }
      const targetId = Number(user?.get(userProperty.targetId));
      const target = Number.isInteger(targetId) ? iscsi.targets.get(targetId) : undefined;
      return (target?.groups ?? []).flatMap((g) =>
        g.initiator === null ? [] : [...(iscsi.initiators.get(g.initiator)?.initiators ?? [])],
      );
    },
    removeHost: (uuid) => removeHostThroughCsp(secrets, uuid, csp.access),
    luns: truenasLuns(sim, datasetOf),
    get metricsUrl() {
      return csp.metricsUrl;
    },
    stop,
  };
}
