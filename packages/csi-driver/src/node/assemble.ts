// Builds the production NodeService from the driver options: the host runner for the configured
// host mode, the host's files, the state store, the iSCSI and NVMe/TCP transports, the node id
// parts, and the readiness check that Probe runs. Launchers that stand in for the iSCSI login (the
// testbed's loop launcher) pass overrides for the transports and what they change; nothing else
// differs.
import type { Logger } from 'pino';
import { realClock } from '../host/clock.js';
import { type HostFiles, RootedHostFiles } from '../host/files.js';
import type { IscsiadmOptions } from '../host/iscsiadm.js';
import type { NvmeHostIdentity } from '../host/nvme-host.js';
import { checkNodeReadiness, type MultipathPolicy } from '../host/readiness.js';
import { type HostMode, type Runner, SpawnRunner } from '../host/runner.js';
import type { ReadinessCheck } from '../identity.js';
import type { DriverMetrics } from '../metrics/types.js';
import type { DriverOptions } from '../options.js';
import { FileStateStore, type StateStore } from '../state/store.js';
import { IscsiTransport } from './iscsi/transport.js';
import { hostNetworks } from './node-id.js';
import { NvmeTransport } from './nvme/transport.js';
import { NodeService } from './service.js';
import type { Transport } from './transport.js';

export type NodeAssemblyOptions = Pick<
  DriverOptions,
  'nodeName' | 'hostMode' | 'hostRoot' | 'stateDir' | 'maxVolumesPerNode' | 'multipath' | 'nvme'
> &
  Partial<Pick<DriverOptions, 'reservedVolumeAttachments' | 'iscsiNodeDbConcurrency' | 'iscsiNodeDbTimeout'>>;

/** What a launcher may replace in the production node; everything else is as `main.ts` builds it. */
export interface NodeAssemblyOverrides {
  /** The transports to serve instead of iSCSI (given the node's host runner and files). */
  transports?: (host: { runner: Runner; files: HostFiles; store: StateStore }) => Transport[];
  /** Initiator names for the node id instead of /etc/iscsi/initiatorname.iscsi. */
  initiatorNames?: string[];
  /** The NVMe host identity for the node id instead of /etc/nvme/hostnqn and hostid. */
  nvmeHost?: NvmeHostIdentity;
  /** What Probe checks: the iSCSI tools (default true) and multipathd (default: the --multipath policy). */
  readiness?: { iscsi: boolean; multipath: MultipathPolicy; nvme?: boolean };
}

/** A reservation needs a budget to take it from, and must leave room for opencsp. */
export function checkVolumeBudget(max: number, reserved: number): void {
  if (reserved > 0 && max === 0) {
    throw new Error(
      '--reserved-volume-attachments needs --max-volumes-per-node (0 means no limit, nothing to reserve from)',
    );
  }
  if (reserved > 0 && reserved >= max) {
    throw new Error(
      `--reserved-volume-attachments (${reserved}) must be below --max-volumes-per-node (${max}), or opencsp gets no volume`,
    );
  }
}

/** The iscsiadm node-database queue settings the options set (the rest keep iscsiadm's defaults). */
export function nodeDbOptions(options: NodeAssemblyOptions): Partial<IscsiadmOptions> {
  return {
    ...(options.iscsiNodeDbConcurrency === undefined ? {} : { nodeDbConcurrency: options.iscsiNodeDbConcurrency }),
    ...(options.iscsiNodeDbTimeout === undefined ? {} : { nodeDbTimeoutMs: options.iscsiNodeDbTimeout }),
  };
}

function hostMode(options: NodeAssemblyOptions): HostMode {
  switch (options.hostMode) {
    case 'chroot':
      return { kind: 'chroot', root: options.hostRoot };
    case 'nsenter':
      return { kind: 'nsenter', target: 'iscsid', procRoot: '/proc' };
    default:
      return { kind: 'direct' };
  }
}

export function assembleNode(
  options: NodeAssemblyOptions,
  logger: Logger,
  overrides: NodeAssemblyOverrides = {},
  metrics?: Pick<DriverMetrics, 'host' | 'node'>,
): { service: NodeService; readiness: ReadinessCheck } {
  if (!options.nodeName) {
    throw new Error('--node-name (or NODE_NAME) is required in node and all modes');
  }
  checkVolumeBudget(options.maxVolumesPerNode, options.reservedVolumeAttachments ?? 0);
  const nodeLogger = logger.child({ component: 'node' });
  const runner = new SpawnRunner(hostMode(options), nodeLogger, metrics?.host);
  const files = new RootedHostFiles(options.hostMode === 'direct' ? '/' : options.hostRoot);
  const store = new FileStateStore(options.stateDir);
  const nvme = options.nvme ?? 'auto';
  const transports = overrides.transports
    ? overrides.transports({ runner, files, store })
    : [
        new IscsiTransport({
          runner,
          files,
          clock: realClock,
          multipath: options.multipath,
          iscsiadm: nodeDbOptions(options),
        }),
        ...(nvme === 'off'
          ? []
          : [
              new NvmeTransport({
                runner,
                files,
                clock: realClock,
                multipath: options.multipath,
                store,
                logger: nodeLogger,
              }),
            ]),
      ];
  const service = new NodeService({
    runner,
    files,
    store,
    clock: realClock,
    logger: nodeLogger,
    ...(metrics?.node ? { metrics: metrics.node } : {}),
    transports,
    options: {
      nodeName: options.nodeName,
      maxVolumesPerNode: options.maxVolumesPerNode,
      reservedVolumeAttachments: options.reservedVolumeAttachments ?? 0,
      networks: hostNetworks(),
      nvme,
      ...(overrides.initiatorNames ? { initiatorNames: overrides.initiatorNames } : {}),
      ...(overrides.nvmeHost ? { nvmeHost: overrides.nvmeHost } : {}),
    },
  });
  const checks = overrides.readiness ?? { iscsi: true, multipath: options.multipath };
  const readiness: ReadinessCheck = async () => {
    const report = await checkNodeReadiness({ runner, files, nvme: nvme === 'on', ...checks });
    return report.ready ? { ready: true } : { ready: false, message: report.problems.join('; ') };
  };
  return { service, readiness };
}
