// The TrueNAS simulator (wss://, self-signed certificate) with the TrueNAS CSP in front of it,
// both on 127.0.0.1 with free ports, configured as in production except for the logger.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CspApp } from '@opencsp/csp-spec/server';
import { buildTrueNasCsp, loadConfig, userProperty } from '@opencsp/csp-truenas';
import { pino } from 'pino';
import { writeServingFiles } from '../../common/index.js';
import { auditIsEmpty } from '../../truenas/audit.js';
import { TrueNasSimulator } from '../../truenas/simulator.js';
import { countRequests } from './count.js';
import { type ArrayOptions, type ArrayStack, MiB, type SeedOptions } from './types.js';

const parent = 'tank/k8s';

/**
 * Seeds volumes as the TrueNAS CSP would have left them; every other one published to a node,
 * each with one held snapshot of the CSP's when asked. No backing files: seeds are never attached.
 */
async function seedVolumes(sim: TrueNasSimulator, count: number, options: SeedOptions = {}): Promise<void> {
  const node = 'iqn.2005-10.org.example:seed-node';
  const host = sim.core.iscsi.initiators.insert({ initiators: [node], comment: 'opencsp:host:seed-node' });
  const first = sim.core.zfs.datasets.size;
  const seeded = await sim.seedZvols(
    Array.from({ length: count }, (_, i) => ({
      dataset: `${parent}/seed-${first}-${i}`,
      volsize: 64 * MiB,
      backing: false,
      ...(options.snapshots
        ? {
            snapshots: [
              {
                name: `seed-snap-${first}-${i}`,
                userProperties: { [userProperty.snapshotName]: `seed-snap-${first}-${i}` },
                hold: true,
              },
            ],
          }
        : {}),
      userProperties: {
        [userProperty.volumeName]: `seed-${first}-${i}`,
        [userProperty.destroyOnDelete]: 'true',
      },
      iscsi: {
        targetName: `seed-${first}-${i}`,
        extentName: `seed-${first}-${i}`,
        ...(i % 2 === 0 ? { initiators: [node], initiatorComment: `opencsp:volume:seed-${first}-${i}` } : {}),
      },
    })),
  );
  for (const s of seeded) {
    const ds = sim.core.zfs.datasets.get(s.dataset);
    ds?.user.set(userProperty.targetId, String(s.targetId));
    ds?.user.set(userProperty.extentId, String(s.extentId));
    ds?.user.set(userProperty.targetExtentId, String(s.targetExtentId));
    ds?.user.set(userProperty.naa, String(s.naa));
    if (s.initiatorId !== undefined) {
      ds?.user.set(userProperty.initiatorId, String(s.initiatorId));
      ds?.user.set(userProperty.hosts, String(host.id));
    }
  }
  sim.acceptCurrentState();
}

/**
 * Rows of the iSCSI configuration tables the simulated middleware read (`Table.rowsRead`), split
 * in two: rows read to answer the CSP's own `iscsi.*.query` calls (the whole table for a service
 * with an extend step, only the matches with `force_sql_filters`), and rows the middleware reads
 * inside create/update/delete (its own validation and dependency lookups and the get_instance
 * reads around them, out of the CSP's hands).
 */
function iscsiRows(sim: TrueNasSimulator): { query: () => number; internal: () => number } {
  const { iscsi, scans } = sim.core;
  const tables = [iscsi.targets, iscsi.extents, iscsi.targetextents, iscsi.initiators, iscsi.auth];
  const total = () => tables.reduce((sum, t) => sum + t.rowsRead, 0);
  return { query: () => scans.iscsiQueryRows, internal: () => total() - scans.iscsiQueryRows };
}

function describeAudit(sim: TrueNasSimulator): string[] {
  const audit = sim.audit();
  if (auditIsEmpty(audit)) {
    return [];
  }
  return Object.entries(audit)
    .filter(([, list]) => (list as unknown[]).length > 0)
    .map(([kind, list]) => `${(list as unknown[]).length} ${kind}`);
}

export async function startTrueNas(options: ArrayOptions = {}): Promise<ArrayStack> {
  const sim = await TrueNasSimulator.start({ tls: true, datasets: [parent] });
  const stops: Array<() => Promise<void>> = [() => sim.stop()];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) {
      await s();
    }
  };
  try {
    sim.setFaults({ latencyMs: options.latencyMs ?? 0 });
    const dir = await mkdtemp(join(tmpdir(), 'opencsp-bench-truenas-'));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'ca.pem'), sim.tls?.cert ?? '');
    const serving = await writeServingFiles(dir);
    const { config } = loadConfig(
      [
        ...[
          '--array',
          sim.address,
          '--parent-datasets',
          parent,
          '--docs',
          'false',
          '--tls-ca-file',
          join(dir, 'ca.pem'),
        ],
        ...['--cert-file', serving.certFile, '--key-file', serving.keyFile],
      ],
      {},
    );
    const csp: CspApp = await buildTrueNasCsp(config, pino({ level: 'silent' }));
    const cspRequests = countRequests(csp);
    const address = await csp.app.listen({ host: '127.0.0.1', port: 0 });
    stops.push(() => csp.shutdown());
    const port = new URL(address).port;
    const rows = iscsiRows(sim);
    return {
      kind: 'truenas',
      label: 'TrueNAS',
      baseUrl: `${address}/containers/v1`,
      ca: serving.ca,
      credentials: { username: sim.username, password: sim.password },
      secrets: {
        backend: sim.address,
        username: sim.username,
        password: sim.password,
        serviceName: '127.0.0.1',
        servicePort: port,
      },
      arrayCalls: () => sim.calls.total,
      rowCounters: [
        {
          key: 'zfsRowsPerOp',
          label: 'ZFS rows/op',
          read: () => sim.core.scans.datasetRows + sim.core.scans.snapshotRows,
        },
        { key: 'iscsiQueryRowsPerOp', label: 'iSCSI query rows/op', read: rows.query },
        { key: 'iscsiInternalRowsPerOp', label: 'iSCSI internal rows/op', read: rows.internal },
      ],
      rows: {
        returned: () => sim.core.scans.returnedRows,
        read: () => sim.core.scans.datasetRows + sim.core.scans.snapshotRows + sim.core.scans.iscsiQueryRows,
        internal: rows.internal,
      },
      cspRequests,
      setLatency: (ms) => sim.setFaults({ latencyMs: ms }),
      seed: (count, seedOptions) => seedVolumes(sim, count, seedOptions),
      leftovers: async () => describeAudit(sim),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
