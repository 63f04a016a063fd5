// Starts a simulator and logged-in raw clients for a test, and tears everything down afterwards.
import { afterEach } from 'vitest';
import { TrueNasSimulator, type TrueNasSimulatorOptions } from '../../src/truenas/index.js';
import { RawRpc } from './rpc-client.js';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

export async function startSim(options: TrueNasSimulatorOptions = {}): Promise<TrueNasSimulator> {
  const sim = await TrueNasSimulator.start(options);
  cleanups.push(() => sim.stop());
  return sim;
}

export async function connect(sim: TrueNasSimulator, login = true): Promise<RawRpc> {
  const rpc = await RawRpc.open(sim.url(), sim.tls?.cert);
  cleanups.push(() => rpc.close());
  if (login) {
    const ok = await rpc.call('auth.login', [sim.username, sim.password]);
    if (ok !== true) {
      throw new Error('login to the simulator failed');
    }
  }
  return rpc;
}

/** A started simulator with one logged-in client. */
export async function simWithClient(
  options: TrueNasSimulatorOptions = {},
): Promise<{ sim: TrueNasSimulator; rpc: RawRpc }> {
  const sim = await startSim(options);
  return { sim, rpc: await connect(sim) };
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** Creates a zvol through the API; returns its entry. */
export function createZvol(rpc: RawRpc, name: string, volsize = 64 * MiB, extra: Record<string, unknown> = {}) {
  return rpc.call<Record<string, unknown>>('pool.dataset.create', [
    { name, type: 'VOLUME', volsize, volblocksize: '16K', sparse: true, ...extra },
  ]);
}

/**
 * A simulator holding `count` zvols `tank/k8s/v<i>`, each with target `t<i>`, extent `e<i>` and
 * LUN 0 (bulk-seeded, no API calls); with `initiators`, every other target admits one IQN.
 */
export async function seededIscsi(
  count: number,
  options: { initiators?: boolean } = {},
): Promise<{ sim: TrueNasSimulator; rpc: RawRpc }> {
  const { sim, rpc } = await simWithClient();
  await sim.seedZvols(
    Array.from({ length: count }, (_, i) => ({
      dataset: `tank/k8s/v${i}`,
      volsize: 16 * MiB,
      iscsi: {
        targetName: `t${i}`,
        extentName: `e${i}`,
        ...(options.initiators && i % 2 === 0
          ? { initiators: [`iqn.2024-01.io.test:n${i}`], initiatorComment: `opencsp:volume:t${i}` }
          : {}),
      },
    })),
  );
  return { sim, rpc };
}
