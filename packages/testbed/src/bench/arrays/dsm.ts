// The DSM simulator (HTTPS, self-signed certificate, DS923+) with the Synology CSP in front of it,
// both on 127.0.0.1 with free ports. DSM's asynchronous LUN work (lock after create, background
// delete) is set to 0 ms so array call counts are deterministic; the ceilings are raised so the
// scale benchmark can seed 2,000 LUNs (a real DS923+ stops at 256 LUNs and 128 targets).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from '@opencsp/csp-spec/options';
import { buildSynologyCsp, optionTable, type SynologyOptions } from '@opencsp/csp-synology';
import { pino } from 'pino';
import { writeServingFiles } from '../../common/index.js';
import { DsmSimulator, defaultAdmin } from '../../dsm/simulator.js';
import { countRequests } from './count.js';
import { seedLuns } from './dsm-seed.js';
import type { ArrayOptions, ArrayStack } from './types.js';

export const dsmKnobs = {
  lockAfterCreateMs: 0,
  lockAfterCloneMs: 0,
  lockAfterResizeMs: 0,
  deleteDelayMs: 0,
  snapshotReadyMs: 0,
};

export async function startDsm(options: ArrayOptions = {}): Promise<ArrayStack> {
  const sim = await DsmSimulator.start({
    model: 'DS923+',
    tls: true,
    knobs: dsmKnobs,
    limits: { maxLuns: 16_384, maxTargets: 1024 },
    faults: { latencyMs: options.latencyMs ?? 0 },
  });
  const dir = await mkdtemp(join(tmpdir(), 'opencsp-bench-dsm-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  try {
    const { values } = parseOptions(optionTable, [], {});
    const serving = await writeServingFiles(dir);
    const settings: SynologyOptions = {
      ...values,
      certFile: serving.certFile,
      keyFile: serving.keyFile,
      dsmUrl: sim.url,
      pollInterval: 10,
    };
    const csp = await buildSynologyCsp(settings, pino({ level: 'silent' }), { ca: sim.certificate });
    const cspRequests = countRequests(csp);
    let address: string;
    try {
      address = await csp.app.listen({ host: '127.0.0.1', port: 0 });
    } catch (err) {
      await csp.shutdown();
      throw err;
    }
    return {
      kind: 'dsm',
      label: 'Synology (DSM)',
      baseUrl: `${address}/containers/v1`,
      ca: serving.ca,
      credentials: { ...defaultAdmin },
      secrets: {
        backend: `127.0.0.1:${sim.port}`,
        username: defaultAdmin.username,
        password: defaultAdmin.password,
        serviceName: '127.0.0.1',
        servicePort: new URL(address).port,
      },
      arrayCalls: () => sim.calls.total,
      rowCounters: [{ key: 'listRowsPerOp', label: 'listed rows/op', read: () => sim.rows.returned }],
      rows: { returned: () => sim.rows.returned, read: () => sim.rows.returned },
      cspRequests,
      setLatency: (ms) => sim.faults.set({ latencyMs: ms }),
      seed: async (count, seedOptions) => {
        seedLuns(sim.state, sim.hostname, count, seedOptions);
        sim.markBaseline();
      },
      leftovers: async () => (await sim.audit()).leaks,
      stop: async () => {
        await csp.shutdown();
        await sim.close();
        await removeDir();
      },
    };
  } catch (err) {
    await sim.close();
    await removeDir();
    throw err;
  }
}
