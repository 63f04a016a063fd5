// Where the figures come from: CPU, cores, memory, Node and the load when the run started, so a
// reader can tell a slow machine from a slow driver.
import { execFileSync } from 'node:child_process';
import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  platform: string;
  release: string;
  arch: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** The Node.js that ran the child processes (CSPs, driver, simulators): OPENCSP_SERVICE_NODE or this one. */
  serviceNode: string;
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
    serviceNode: serviceNodeVersion(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    note:
      `Everything runs on this machine (${cores} core${cores === 1 ? '' : 's'}): simulators, CSPs, driver and the ` +
      'load generator share the CPU, so figures are upper bounds of what the software costs. The reference ' +
      'figures in docs/benchmarks.md come from a 2-core machine shared with other jobs.',
  };
}

/** Version and path of the Node.js the children run on (child.ts spawns the same one). */
export function serviceNodeVersion(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.OPENCSP_SERVICE_NODE;
  if (!path) {
    return `${process.version} (this process's, ${process.execPath})`;
  }
  try {
    return `${execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()} (OPENCSP_SERVICE_NODE=${path})`;
  } catch (error) {
    throw new Error(`OPENCSP_SERVICE_NODE=${path} does not run: ${(error as Error).message}`);
  }
}

export function describeMachine(m: MachineInfo): string {
  return [
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform} ${m.release} ${m.arch}`,
    `node ${m.node} (bench), children on node ${m.serviceNode}, load average at start ${m.loadAverage.join(' / ')}`,
    m.note,
  ].join('\n');
}
