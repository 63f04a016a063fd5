// The reference backend: the contract kit serving the in-memory provider over real HTTP. Faults
// are CspProblems the next call of a session method throws.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCspApp, type CspApp, CspProblem } from '@opencsp/csp-spec/server';
import { MemoryProvider } from '@opencsp/csp-spec/testing';
import { pino } from 'pino';
import { writeServingFiles } from '../../common/index.js';
import { removeHostThroughCsp } from './csp-admin.js';
import type { BackendFixture, CreateFault } from './types.js';

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
}

const faultMessages: Record<CreateFault, string> = {
  OUT_OF_SPACE: 'pool tank is full',
  LIMIT_EXCEEDED: 'the array holds its maximum number of volumes',
  UNAVAILABLE: 'array busy',
  INTERNAL: 'array crashed',
  INVALID_INPUT: 'config.tier: bad',
  NAME_TAKEN: 'taken',
  NOT_IMPLEMENTED: 'no',
};

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
  const dir = await mkdtemp(join(tmpdir(), 'memory-csp-'));
  const tls = await writeServingFiles(dir);
  const build = () => buildCspApp({ provider, logger, responseValidation: 'strict', docs: false, tls });
  let csp: CspApp = await build();
  await csp.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (csp.app.server.address() as AddressInfo).port;
  const arrayIp = options.arrayIp ?? 'memory-array';
  const secrets = {
    backend: arrayIp,
    username: provider.username,
    password: provider.password,
    serviceName: '127.0.0.1',
    servicePort: String(port),
  };
  const { array } = provider;
  return {
    name: 'memory',
    provider,
    port,
    secrets,
    parameters: { tier: 'gold' },
    minVolumeSize: 1024 ** 2,
    layout: { targetScope: 'volume', firstLunId: 0 },
    createFaults: Object.keys(faultMessages) as CreateFault[],
    failNext(method, problem) {
      provider.faults.set(method, problem);
    },
    failNextCreate(fault) {
      provider.faults.set('createVolume', new CspProblem(fault, faultMessages[fault]));
    },
    async audit() {
      const left: string[] = [];
      for (const volume of array.volumes.values()) {
        left.push(`volume ${volume.name} (${volume.id})`);
      }
      for (const snapshot of array.snapshots.values()) {
        left.push(`snapshot ${snapshot.name} (${snapshot.id})`);
      }
      for (const host of array.hosts.values()) {
        left.push(`host ${host.uuid} (${host.iqns?.join(',') ?? ''})`);
      }
      return left;
    },
    arrayLogins: () => array.loginCount,
    volumeCount: async () => array.volumes.size,
    async host(uuid) {
      const host = array.hosts.get(uuid);
      return (
        host && {
          uuid,
          iqns: host.iqns ?? [],
          ...(host.nqns?.length ? { nqns: host.nqns } : {}),
          chapUser: host.chap_user,
          networks: host.networks,
        }
      );
    },
    async initiatorsOf(volumeId) {
      const volume = array.volumes.get(volumeId);
      const uuids = [...(volume?.hosts.keys() ?? [])];
      // An NVMe/TCP volume admits the hosts' NQNs, an iSCSI one their IQNs.
      const nvme = volume?.access_protocol === 'nvmetcp';
      return uuids.flatMap((uuid) => (nvme ? array.hosts.get(uuid)?.nqns : array.hosts.get(uuid)?.iqns) ?? []);
    },
    removeHost: (uuid) => removeHostThroughCsp(secrets, uuid),
    async restart() {
      await csp.shutdown();
      csp = await build();
      await csp.app.listen({ host: '127.0.0.1', port });
    },
    async stop() {
      try {
        await csp.shutdown();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export { CspProblem };
