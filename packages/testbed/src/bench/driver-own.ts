// The driver's own time per RPC, measured as production runs it: simulator, CSP and driver each a
// process, the simulator answering at once (0 ms). RPCs run one at a time; for each, the time the
// driver spent waiting for the CSP's answers (its HTTP requests, seen through diagnostics_channel
// inside the driver process) is subtracted from the RPC's latency at the client. What is left is
// the driver: gRPC on the unix socket, validation, sessions, mapping, logging.
import { performance } from 'node:perf_hooks';
import {
  CsiClient,
  KubeHarness,
  type PersistentVolume,
  type SecretRef,
  storageClass,
  testNodeId,
} from '../harness/index.js';
import { MiB } from './arrays/index.js';
import type { BenchContext } from './benchmark.js';
import { type ProcessStack, startProcessStack } from './processes.js';
import { round, summarize } from './stats.js';

export interface OwnTime {
  rpc: string;
  count: number;
  /** RPC latency at the client (ms). */
  latency: { p50: number; p99: number };
  /** Latency minus the driver's wait for the CSP (ms). */
  own: { p50: number; p99: number };
  /** The driver process's CPU time per RPC (ms), user and system. */
  cpuPerRpc: number;
}

const secretRef: SecretRef = { name: 'csp-secret', namespace: 'kube-system' };

/** Runs `work` once per item, sequentially, and splits each latency into CSP wait and the rest. */
async function ownTimes<T>(
  stack: ProcessStack,
  rpc: string,
  items: T[],
  work: (item: T) => Promise<void>,
): Promise<OwnTime> {
  const latencies: number[] = [];
  const own: number[] = [];
  const cpuBefore = await stack.driver.cpuMs();
  // One probe per RPC: the RPCs run one after another, so the wait counter read after one RPC is
  // the counter before the next (each probe costs the driver an IPC message in and out).
  let waitBefore = await stack.driver.httpWaitMs();
  for (const item of items) {
    const started = performance.now();
    await work(item);
    const latency = performance.now() - started;
    const waitAfter = await stack.driver.httpWaitMs();
    latencies.push(latency);
    own.push(Math.max(0, latency - (waitAfter - waitBefore)));
    waitBefore = waitAfter;
  }
  const cpu = (await stack.driver.cpuMs()) - cpuBefore;
  const l = summarize(latencies);
  const o = summarize(own);
  return {
    rpc,
    count: items.length,
    latency: { p50: round(l.p50), p99: round(l.p99) },
    own: { p50: round(o.p50), p99: round(o.p99) },
    // Includes answering one probe message per RPC (microseconds).
    cpuPerRpc: round(cpu / items.length),
  };
}

/** CreateVolume, publish, unpublish and DeleteVolume, `count` of each, one at a time. */
export async function measureDriverOwnTime(
  ctx: BenchContext,
  kind: 'truenas' | 'dsm',
  count: number,
): Promise<OwnTime[]> {
  const stack = await startProcessStack({ kind, latencyMs: 0 }, ctx.scope);
  const client = new CsiClient(stack.socketPath, 60_000);
  ctx.scope.defer('CSI client', () => client.close());
  const kube = new KubeHarness(client, { retry: { attempts: 1, initialDelayMs: 0, maxDelayMs: 0 } });
  kube.addSecret(secretRef, stack.secrets);
  const sc = storageClass(`${kind}-own`, secretRef, { 'csi.storage.k8s.io/fstype': 'ext4' });
  const node = testNodeId('own-node');
  const pvc = (i: number) => ({ name: `own-${i}`, namespace: 'bench', size: 64 * MiB });
  // Warm-up: login, capabilities, the node's host object, and the JIT of every path measured.
  const warm: PersistentVolume[] = [];
  for (let i = 0; i < 20; i++) {
    warm.push(await kube.provisionPvc(sc, pvc(-1 - i)));
  }
  for (const pv of warm) {
    await kube.attach(pv, node);
    await kube.detach(pv, node);
    await kube.deletePv(pv);
  }
  ctx.log(`driver: ${stack.label}, ${count} of each RPC, driver and CSP as processes`);
  const pvs: PersistentVolume[] = [];
  const indexes = Array.from({ length: count }, (_, i) => i);
  const out = [
    await ownTimes(stack, 'CreateVolume', indexes, async (i) => {
      pvs.push(await kube.provisionPvc(sc, pvc(i)));
    }),
    await ownTimes(stack, 'ControllerPublishVolume', pvs, (pv) => kube.attach(pv, node).then(() => undefined)),
    await ownTimes(stack, 'ControllerUnpublishVolume', pvs, (pv) => kube.detach(pv, node)),
    await ownTimes(stack, 'DeleteVolume', pvs, (pv) => kube.deletePv(pv)),
  ];
  return out;
}
