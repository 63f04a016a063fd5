// Where the figures come from: CPU, cores, memory, Node and the load when the run started, so a
// reader can tell a slow machine from a slow driver.
import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { serviceEntryKind } from '../launch/service-entry.js';
import { describeServiceNode, serviceNode } from '../launch/service-node.js';

export interface MachineInfo {
  platform: string;
  release: string;
  arch: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** The Node.js that ran the child processes (CSPs, driver, simulators): launch/service-node.ts. */
  serviceNode: string;
  /** Which build of the services ran: their bundles or tsc's dist/ (launch/service-entry.ts). */
  serviceEntry: string;
  loadAverage: number[];
  note: string;
}

export function machineInfo(): MachineInfo {
  const cores = availableParallelism();
  return {
    platform: platform(),
    release: release(),
    arch: arch(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    serviceNode: describeServiceNode(serviceNode()),
    serviceEntry: serviceEntryKind(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    note:
      `Everything runs on this machine (${cores} core${cores === 1 ? '' : 's'}): simulators, CSPs, driver and the ` +
      'load generator share the CPU, so figures are upper bounds of what the software costs. The reference ' +
      'figures in docs/benchmarks.md come from a 2-core machine shared with other jobs.',
  };
}

export function describeMachine(m: MachineInfo): string {
  return [
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform} ${m.release} ${m.arch}`,
    `node ${m.node} (bench), children: ${m.serviceNode} running the services' ${m.serviceEntry}; load average at start ${m.loadAverage.join(' / ')}`,
    m.note,
  ].join('\n');
}
