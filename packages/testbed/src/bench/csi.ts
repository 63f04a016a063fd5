// The driver as the sidecars reach it: the in-process driver on a unix socket, a CSI client that
// counts every attempt and every failure by gRPC code, and the kube harness on top of it.
import { status } from '@grpc/grpc-js';
import {
  type ControllerCalls,
  CsiClient,
  isGrpcError,
  KubeHarness,
  type RetryPolicy,
  type SecretRef,
  type StorageClass,
  startDriverFixture,
  storageClass,
} from '../harness/index.js';
import type { ArrayStack } from './arrays/index.js';
import type { Scope } from './scope.js';

const codeNames = new Map<number, string>(Object.entries(status).map(([name, code]) => [code as number, name]));

/** A CSI client that counts attempts per RPC and failures per gRPC code. */
export class CountingCsiClient extends CsiClient {
  readonly attempts = new Map<string, number>();
  readonly failures = new Map<string, number>();

  override async controller<K extends keyof ControllerCalls>(
    method: K,
    request: ControllerCalls[K][0],
    timeoutMs = this.timeoutMs,
  ): Promise<ControllerCalls[K][1]> {
    this.attempts.set(method, (this.attempts.get(method) ?? 0) + 1);
    try {
      return await super.controller(method, request, timeoutMs);
    } catch (err) {
      const code = isGrpcError(err) ? (codeNames.get(err.code) ?? String(err.code)) : 'NOT_GRPC';
      this.failures.set(code, (this.failures.get(code) ?? 0) + 1);
      throw err;
    }
  }

  failureSummary(): string {
    return this.failures.size === 0 ? 'none' : [...this.failures].map(([code, n]) => `${code} ×${n}`).join(', ');
  }
}

export interface DriverUnderTest {
  socketPath: string;
  /** A harness playing one sidecar: its own client (deadline) and retry policy. */
  sidecar(timeoutMs: number, retry?: RetryPolicy): { client: CountingCsiClient; kube: KubeHarness };
  sc: StorageClass;
}

const secretRef: SecretRef = { name: 'csp-secret', namespace: 'kube-system' };

/** Starts the driver (controller mode) in this process, wired to the stack's CSP by a StorageClass secret. */
export async function startDriver(stack: ArrayStack, scope: Scope): Promise<DriverUnderTest> {
  const fixture = await scope.adopt('CSI driver', startDriverFixture({ mode: 'controller', cspTimeoutMs: 60_000 }));
  return {
    socketPath: fixture.socketPath,
    sidecar(timeoutMs, retry) {
      const client = new CountingCsiClient(fixture.socketPath, timeoutMs);
      scope.defer('CSI client', () => client.close());
      const kube = new KubeHarness(client, retry ? { retry } : {});
      kube.addSecret(secretRef, stack.secrets);
      return { client, kube };
    },
    sc: storageClass(`${stack.kind}-bench`, secretRef, { 'csi.storage.k8s.io/fstype': 'ext4' }),
  };
}
