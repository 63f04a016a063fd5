// Builds the production NodeService from the driver options: the host runner for the configured
// host mode, the host's files, the state store, the iSCSI transport, the node id parts, and the
// readiness check that Probe runs. Launchers that stand in for the iSCSI login (the testbed's
// loop launcher) pass overrides for the transports and what they change; nothing else differs.
import type { Logger } from 'pino';
import { realClock } from '../host/clock.js';
import { type HostFiles, RootedHostFiles } from '../host/files.js';
import { checkNodeReadiness, type MultipathPolicy } from '../host/readiness.js';
import { type HostMode, type Runner, SpawnRunner } from '../host/runner.js';
import type { ReadinessCheck } from '../identity.js';
import type { DriverOptions } from '../options.js';
import { FileStateStore } from '../state/store.js';
import { IscsiTransport } from './iscsi/transport.js';
import { hostNetworks } from './node-id.js';
import { NodeService } from './service.js';
import type { Transport } from './transport.js';

export type NodeAssemblyOptions = Pick<
  DriverOptions,
  'nodeName' | 'hostMode' | 'hostRoot' | 'stateDir' | 'maxVolumesPerNode' | 'multipath'
>;

/** What a launcher may replace in the production node; everything else is as `main.ts` builds it. */
export interface NodeAssemblyOverrides {
  /** The transports to serve instead of iSCSI (given the node's host runner and files). */
  transports?: (host: { runner: Runner; files: HostFiles }) => Transport[];
  /** Initiator names for the node id instead of /etc/iscsi/initiatorname.iscsi. */
  initiatorNames?: string[];
  /** What Probe checks: the iSCSI tools (default true) and multipathd (default: the --multipath policy). */
  readiness?: { iscsi: boolean; multipath: MultipathPolicy };
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
): { service: NodeService; readiness: ReadinessCheck } {
  if (!options.nodeName) {
    throw new Error('--node-name (or NODE_NAME) is required in node and all modes');
  }
  const nodeLogger = logger.child({ component: 'node' });
  const runner = new SpawnRunner(hostMode(options), nodeLogger);
  const files = new RootedHostFiles(options.hostMode === 'direct' ? '/' : options.hostRoot);
  const transports = overrides.transports
    ? overrides.transports({ runner, files })
    : [new IscsiTransport({ runner, files, clock: realClock, multipath: options.multipath })];
  const service = new NodeService({
    runner,
    files,
    store: new FileStateStore(options.stateDir),
    clock: realClock,
    logger: nodeLogger,
    transports,
    options: {
      nodeName: options.nodeName,
      maxVolumesPerNode: options.maxVolumesPerNode,
      networks: hostNetworks(),
      ...(overrides.initiatorNames ? { initiatorNames: overrides.initiatorNames } : {}),
    },
  });
  const checks = overrides.readiness ?? { iscsi: true, multipath: options.multipath };
  const readiness: ReadinessCheck = async () => {
    const report = await checkNodeReadiness({ runner, files, ...checks });
    return report.ready ? { ready: true } : { ready: false, message: report.problems.join('; ') };
  };
  return { service, readiness };
}
