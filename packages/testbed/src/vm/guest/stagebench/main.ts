#!/usr/bin/env node
// The guest side of the NodeStage benchmark: `node main.js one|many COUNT`, run by stagebench.sh.
// One NodeService (one process, as the node plugin serves kubelet's concurrent calls) stages the
// volumes of the target file at once: `one` the first volume alone, `many` the next COUNT. Each
// stage is traced per phase (trace.ts), checked (a multipath map of both paths is mounted at its
// staging path and the service reports it healthy), then every volume is unstaged. The figures go
// to $E2E_OUT/stagebench-<mode>.json for the host, and as E2E-STEP parts to the console.
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { NodeService, NodeStageVolumeRequest } from '@opencsp/csi-driver/node';
import { redact } from '../exec.js';
import { capability, nodeService, publishContext, secrets } from '../service-ops.js';
import type { GuestVolume } from '../volume.js';
import { PHASES, PhaseTracer, parseCpuTimes, type StageBenchResult } from './trace.js';

interface BenchVolume {
  id: string;
  iqn: string;
  lun: number;
  serial: string;
  portals: string[];
  chapUser: string;
  chapPassword: string;
}

const stagingRoot = '/mnt/bench';
/** USER_HZ, the unit of /proc/stat, on every Linux architecture the VM runs. */
const jiffyMs = 10;
const cpuTimes = () => parseCpuTimes(readFileSync('/proc/stat', 'utf8'));

function guestVolume(v: BenchVolume): GuestVolume {
  return {
    targetIqn: v.iqn,
    serial: v.serial,
    portals: v.portals,
    lun: v.lun,
    chap: { username: v.chapUser, password: v.chapPassword },
    fsType: 'ext4',
    stagingPath: join(stagingRoot, v.id),
    requiredBytes: undefined,
  };
}

function stageRequest(id: string, v: GuestVolume): NodeStageVolumeRequest {
  return {
    volumeId: id,
    publishContext: publishContext(v),
    stagingTargetPath: v.stagingPath,
    volumeCapability: capability(v),
    secrets: secrets(v),
    volumeContext: {},
  };
}

/** The kernel's view: the staging path is a mount of a dm-multipath map over both paths. */
async function checkStaged(service: NodeService, id: string, v: GuestVolume): Promise<void> {
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((l) => l.split(' '));
  const mount = mounts.find((f) => f[4] === v.stagingPath);
  if (!mount?.[2]) {
    throw new Error(`${id}: nothing is mounted at ${v.stagingPath}`);
  }
  const dm = realpathSync(`/sys/dev/block/${mount[2]}`).split('/').pop() ?? '';
  const uuid = dm.startsWith('dm-') ? readFileSync(`/sys/block/${dm}/dm/uuid`, 'utf8').trim() : '';
  const slaves = uuid.startsWith('mpath-') ? await readdir(`/sys/block/${dm}/slaves`) : [];
  if (slaves.length !== v.portals.length) {
    throw new Error(`${id}: ${v.stagingPath} is on ${dm} (${uuid || 'no dm uuid'}) with paths [${slaves.join(' ')}]`);
  }
  const stats = await service.nodeGetVolumeStats({
    volumeId: id,
    volumePath: v.stagingPath,
    stagingTargetPath: v.stagingPath,
  });
  if (stats.volumeCondition?.abnormal) {
    throw new Error(`${id}: abnormal after stage: ${stats.volumeCondition.message}`);
  }
}

async function bench(mode: 'one' | 'many', count: number, all: BenchVolume[]): Promise<StageBenchResult> {
  const chosen = mode === 'one' ? all.slice(0, 1) : all.slice(1, 1 + count);
  if (chosen.length !== count) {
    throw new Error(`${mode}: the target file has ${all.length} volumes, ${count} wanted after the first`);
  }
  const tracer = new PhaseTracer();
  const service = nodeService({ runner: (r) => tracer.runner(r), files: (f) => tracer.files(f) });
  const volumes = chosen.map((b) => ({ id: b.id, v: guestVolume(b) }));
  const started = performance.now();
  const cpuBefore = cpuTimes();
  const serviceBefore = process.cpuUsage();
  const outcomes = await Promise.all(
    volumes.map(({ id, v }) => tracer.run(id, () => service.nodeStageVolume(stageRequest(id, v)))),
  );
  const wallMs = performance.now() - started;
  const cpuBusyMs = (cpuTimes().busy - cpuBefore.busy) * jiffyMs;
  const own = process.cpuUsage(serviceBefore);
  const serviceCpuMs = (own.user + own.system) / 1000;
  const failures = outcomes.flatMap((o) => (o.error ? [`${o.trace.volume}: ${(o.error as Error).message}`] : []));
  for (const { id, v } of volumes) {
    await checkStaged(service, id, v).catch((e: Error) => failures.push(e.message));
  }
  const unstaging = performance.now();
  const unstaged = await Promise.allSettled(
    volumes.map(({ id, v }) => service.nodeUnstageVolume({ volumeId: id, stagingTargetPath: v.stagingPath })),
  );
  unstaged.forEach((u, i) => {
    if (u.status === 'rejected') {
      failures.push(`unstage ${volumes[i]?.id}: ${(u.reason as Error).message}`);
    }
  });
  const unstageWallMs = performance.now() - unstaging;
  return {
    mode,
    count,
    wallMs,
    unstageWallMs,
    cpuBusyMs,
    serviceCpuMs,
    cpus: availableParallelism(),
    stages: outcomes.map((o) => o.trace),
    failures,
  };
}

function printParts(result: StageBenchResult): void {
  const step = `stage_${result.mode}`;
  const s = (ms: number) => (ms / 1000).toFixed(2);
  console.log(`E2E-STEP ${step}/stage_wall ${s(result.wallMs)} ok`);
  for (const phase of PHASES) {
    const mean = result.stages.reduce((sum, t) => sum + t.phases[phase], 0) / Math.max(1, result.stages.length);
    console.log(`E2E-STEP ${step}/${phase} ${s(mean)} ok`);
  }
  console.log(`E2E-STEP ${step}/unstage_wall ${s(result.unstageWallMs)} ok`);
}

async function main(): Promise<number> {
  const [mode, countText] = process.argv.slice(2);
  const count = Number(countText);
  if ((mode !== 'one' && mode !== 'many') || !Number.isInteger(count) || count < 1) {
    console.error('usage: main.js one|many COUNT');
    return 2;
  }
  const file = process.env.E2E_BENCH_FILE ?? '';
  const out = process.env.E2E_OUT ?? '';
  let hidden: string[] = [];
  try {
    const all = (JSON.parse(readFileSync(file, 'utf8')) as { volumes: BenchVolume[] }).volumes;
    hidden = all.map((v) => v.chapPassword);
    const result = await bench(mode, count, all);
    result.failures = result.failures.map((f) => redact(f, hidden));
    writeFileSync(join(out, `stagebench-${mode}.json`), `${JSON.stringify(result, null, 2)}\n`);
    printParts(result);
    if (result.failures.length > 0) {
      throw new Error(`${result.failures.length} failure(s), first: ${result.failures[0]}`);
    }
    return 0;
  } catch (error) {
    const reason = redact(`stage ${mode}: ${(error as Error).message}`, hidden);
    console.error(reason);
    if (process.env.E2E_REASON_FILE) {
      writeFileSync(process.env.E2E_REASON_FILE, `${reason}\n`);
    }
    return 1;
  }
}

process.exitCode = await main();
