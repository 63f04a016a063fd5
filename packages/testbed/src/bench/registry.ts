// Every benchmark, in the order a full run executes them.
import type { Benchmark } from './benchmark.js';
import { cspBenchmark } from './csp-ops.js';
import { driverBenchmark } from './driver-overhead.js';
import { kubeBenchmark } from './kube.js';
import { memoryBenchmark } from './memory-bench.js';
import { stormBenchmark } from './pod-storm.js';
import { scaleBenchmark } from './scale.js';
import { throughputBenchmark } from './throughput.js';
import { vmStageBenchmark } from './vm-stage.js';

export const benchmarks: Benchmark[] = [
  cspBenchmark,
  scaleBenchmark,
  driverBenchmark,
  throughputBenchmark,
  stormBenchmark,
  memoryBenchmark,
  kubeBenchmark,
  vmStageBenchmark,
];

/**
 * Benchmarks that start a real Kubernetes cluster: `pnpm bench` runs them, the unit test of the
 * machinery does not (pnpm e2e:kube covers the same code, with assertions).
 */
export const clusterBenchmarks: readonly string[] = [kubeBenchmark.name];

/** Benchmarks that boot the VM suite's image (root, QEMU, minutes): `pnpm bench` runs them, unit tests do not. */
export const vmBenchmarks: readonly string[] = [vmStageBenchmark.name];

export function selectBenchmarks(only: string[] | undefined): Benchmark[] {
  return only ? benchmarks.filter((b) => only.includes(b.name)) : benchmarks;
}
