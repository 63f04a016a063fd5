// The contract kit with the in-memory reference provider: a CSP with no array behind it, so the
// figures are the kit's and the driver's own cost.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCspApp } from '@opencsp/csp-spec/server';
import { MemoryProvider } from '@opencsp/csp-spec/testing';
import { pino } from 'pino';
import { writeServingFiles } from '../../common/index.js';
import { countRequests } from './count.js';
import type { ArrayStack } from './types.js';

export async function startMemory(): Promise<ArrayStack> {
  const provider = new MemoryProvider();
  const dir = await mkdtemp(join(tmpdir(), 'opencsp-bench-memory-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  const tls = await writeServingFiles(dir);
  const csp = await buildCspApp({ provider, logger: pino({ level: 'silent' }), docs: false, tls });
  const cspRequests = countRequests(csp);
  let address: string;
  try {
    address = await csp.app.listen({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    await csp.shutdown();
    await removeDir();
    throw err;
  }
  return {
    kind: 'memory',
    label: 'memory provider',
    baseUrl: `${address}/containers/v1`,
    ca: tls.ca,
    credentials: { username: provider.username, password: provider.password },
    secrets: {
      backend: 'memory-array',
      username: provider.username,
      password: provider.password,
      serviceName: '127.0.0.1',
      servicePort: new URL(address).port,
    },
    arrayCalls: undefined,
    rowCounters: [],
    rows: { returned: () => 0, read: () => 0 },
    cspRequests,
    setLatency: (ms) => {
      if (ms !== 0) {
        throw new Error('the memory provider has no array latency knob');
      }
    },
    seed: async (count, options = {}) => {
      const session = await provider.openSession({
        username: provider.username,
        password: provider.password,
        arrayIp: undefined,
      });
      for (let i = 0; i < count; i++) {
        const volume = await session.createVolume({ name: `seed-${i}`, size: 64 * 1024 * 1024 });
        if (options.snapshots) {
          await session.createSnapshot({ name: `seed-snap-${i}`, volume_id: volume.id });
        }
      }
      await session.close();
    },
    leftovers: async () => [
      ...[...provider.array.volumes.values()].filter((v) => !v.name.startsWith('seed-')).map((v) => `volume ${v.name}`),
      ...[...provider.array.snapshots.values()]
        .filter((s) => !s.name.startsWith('seed-'))
        .map((s) => `snapshot ${s.name}`),
    ],
    stop: async () => {
      await csp.shutdown();
      await removeDir();
    },
  };
}
