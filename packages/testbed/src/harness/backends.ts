// Backend fixtures: a CSP under test, reachable over real HTTP, with the secrets a StorageClass
// would carry for it, a leak audit and (where possible) a restart that loses every token.
// The reference fixture serves the contract kit with the in-memory provider; TrueNAS and
// Synology fixtures implement the same interface.
import type { AddressInfo } from 'node:net';
import { buildCspApp, type CspApp, CspProblem } from '@opencsp/csp-spec/server';
import { MemoryProvider } from '@opencsp/csp-spec/testing';
import { pino } from 'pino';

export interface BackendFixture {
  name: string;
  /** StorageClass secret data for this CSP. */
  secrets: Record<string, string>;
  /** Everything the CSP created on the array that still exists (volumes, snapshots). */
  audit?(): Promise<string[]>;
  /** Stops and restarts the CSP on the same port: every session token is lost. */
  restart?(): Promise<void>;
  stop(): Promise<void>;
}

type SessionMethod =
  | 'createVolume'
  | 'deleteVolume'
  | 'publishVolume'
  | 'createSnapshot'
  | 'deleteSnapshot'
  | 'updateVolume'
  | 'getVolume'
  | 'upsertHost'
  | 'queryCapacity';

export interface MemoryBackend extends BackendFixture {
  provider: MemoryProvider;
  port: number;
  /** The next call of `method` on any session fails with this problem. */
  failNext(method: SessionMethod, problem: CspProblem): void;
  audit(): Promise<string[]>;
  restart(): Promise<void>;
}

class FaultyProvider extends MemoryProvider {
  readonly faults = new Map<string, CspProblem>();
  override async openSession(credentials: Parameters<MemoryProvider['openSession']>[0]) {
    const session = await super.openSession(credentials);
    return new Proxy(session, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || typeof value !== 'function') {
          return value;
        }
        return (...args: unknown[]) => {
          const fault = this.faults.get(key);
          if (fault) {
            this.faults.delete(key);
            return Promise.reject(fault);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }
}

export async function memoryBackend(options: { arrayIp?: string } = {}): Promise<MemoryBackend> {
  const provider = new FaultyProvider();
  const logger = pino({ level: process.env.HARNESS_CSP_LOG_LEVEL ?? 'silent' });
  const build = () => buildCspApp({ provider, logger, responseValidation: 'strict', docs: false });
  let csp: CspApp = await build();
  await csp.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (csp.app.server.address() as AddressInfo).port;
  const arrayIp = options.arrayIp ?? 'memory-array';
  return {
    name: 'memory',
    provider,
    port,
    secrets: {
      backend: arrayIp,
      username: provider.username,
      password: provider.password,
      serviceName: '127.0.0.1',
      servicePort: String(port),
    },
    failNext(method, problem) {
      provider.faults.set(method, problem);
    },
    async audit() {
      const left: string[] = [];
      for (const volume of provider.array.volumes.values()) {
        left.push(`volume ${volume.name} (${volume.id})`);
      }
      for (const snapshot of provider.array.snapshots.values()) {
        left.push(`snapshot ${snapshot.name} (${snapshot.id})`);
      }
      return left;
    },
    async restart() {
      await csp.shutdown();
      csp = await build();
      await csp.app.listen({ host: '127.0.0.1', port });
    },
    async stop() {
      await csp.shutdown();
    },
  };
}

export { CspProblem };
