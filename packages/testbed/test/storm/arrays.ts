// The arrays of the fault storm: a simulator in this process with its fault injection, and its
// CSP as a separate process (so it can crash) in front of it, plus what the storm checks on the
// array: the volumes that exist per CSI name and the leak audit.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userProperty } from '@opencsp/csp-truenas';
import { writeServingFiles } from '../../src/common/index.js';
import { DsmSimulator, defaultAdmin } from '../../src/dsm/index.js';
import { leakLines } from '../../src/harness/backends/truenas.js';
import { TrueNasSimulator } from '../../src/truenas/index.js';
import { CspProcess } from './csp-process.js';

export interface StormArray {
  name: string;
  csp: CspProcess;
  /** The StorageClass secret (service mode, this CSP). */
  secret(): Record<string, string>;
  parameters: Record<string, string>;
  /** CHAP credentials hosts use when published (omitted where the CSP's masking needs none). */
  chap: Record<string, string>;
  /** Turns the array's random faults on (rates) or off. */
  faults(on: boolean): void;
  /** The CSI names of the volumes the CSP holds on the array, one entry per array volume. */
  volumeNames(): Promise<string[]>;
  /** Everything left on the array that the storm made, one line per object; [] when clean. */
  audit(): Promise<string[]>;
  /** Audit lines each complete, unpublished volume has (one pattern per object). */
  perVolume: RegExp[];
  /** Audit lines of the two registered nodes (host objects, CHAP entries): what they match, how many. */
  nodeObjects: { pattern: RegExp; count: number };
  stop(): Promise<void>;
}

async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** TrueNAS: wss with a verified certificate, password login, one parent dataset. */
export async function truenasStorm(): Promise<StormArray> {
  const { dir, remove } = await tempDir('storm-truenas-');
  const sim = await TrueNasSimulator.start({ tls: true, datasets: ['tank/k8s'] });
  try {
    await writeFile(join(dir, 'array-ca.pem'), sim.tls?.cert ?? '');
    const csp = new CspProcess(
      'csp-truenas',
      [
        ...['--array', sim.address, '--parent-datasets', 'tank/k8s', '--docs', 'false'],
        ...['--tls-ca-file', join(dir, 'array-ca.pem'), '--call-timeout', '10s'],
      ],
      await writeServingFiles(dir),
    );
    await csp.start();
    // A dropped connection loses answers of calls the array already ran: the worst case.
    sim.setKnobs({ dropPhase: 'after' });
    return {
      name: 'truenas',
      csp,
      secret: () => ({
        backend: sim.address,
        username: sim.username,
        password: sim.password,
        serviceName: '127.0.0.1',
        servicePort: String(csp.port),
        chapUser: 'storm-initiator',
        chapPassword: 'storm-chap-1234',
      }),
      parameters: {},
      chap: { chapUser: 'storm-initiator', chapPassword: 'storm-chap-1234' },
      faults: (on) =>
        sim.setFaults(
          on ? { errorRate: 0.08, busyRate: 0.02, dropRate: 0.02 } : { errorRate: 0, busyRate: 0, dropRate: 0 },
        ),
      perVolume: [/^dataset /, /^target /, /^extent /, /^lun mapping /],
      // Two host initiator groups and the one CHAP user they share.
      nodeObjects: { pattern: /^(initiator group opencsp:host:|chap user )/, count: 3 },
      volumeNames: async () =>
        [...sim.core.zfs.datasets.values()]
          .filter((d) => d.type === 'VOLUME')
          .map((d) => d.user.get(userProperty.volumeName) ?? `(no name) ${d.name}`),
      audit: async () => leakLines(sim.audit()),
      async stop() {
        await csp.stop();
        await sim.stop();
        await remove();
      },
    };
  } catch (err) {
    await sim.stop();
    await remove();
    throw err;
  }
}

/** Synology: a DS923+ over HTTPS, DSM 7 host objects (the CSP's default masking). */
export async function synologyStorm(): Promise<StormArray> {
  const { dir, remove } = await tempDir('storm-synology-');
  const sim = await DsmSimulator.start({
    model: 'DS923+',
    tls: true,
    faultSeed: 12,
    knobs: { lockAfterCreateMs: 30, lockAfterCloneMs: 60, lockAfterResizeMs: 30, deleteDelayMs: 30 },
  });
  try {
    await writeFile(join(dir, 'array-ca.pem'), sim.certificate ?? '');
    const csp = new CspProcess(
      'csp-synology',
      [
        ...['--dsm-url', sim.url, '--dsm-ca-file', join(dir, 'array-ca.pem')],
        ...['--poll-interval', '10ms', '--dsm-request-timeout', '10s'],
      ],
      await writeServingFiles(dir),
    );
    await csp.start();
    return {
      name: 'synology',
      csp,
      secret: () => ({
        backend: sim.url,
        username: defaultAdmin.username,
        password: defaultAdmin.password,
        serviceName: '127.0.0.1',
        servicePort: String(csp.port),
      }),
      parameters: { location: 'volume1' },
      chap: {},
      faults(on) {
        sim.faults.set(
          on ? { errorRate: 0.08, busyRate: 0.02, dropRate: 0.02 } : { errorRate: 0, busyRate: 0, dropRate: 0 },
        );
        if (on) {
          // DSM ran the call and the answer never came back.
          sim.failNext(2, 'lose-answer', /^SYNO\.Core\.ISCSI\.LUN\.create$/);
          sim.failNext(1, 'lose-answer', /^SYNO\.Core\.ISCSI\.LUN\.delete$/);
          sim.failNext(1, 'lose-answer', /^SYNO\.Core\.ISCSI\.Target\.create$/);
        }
      },
      // One LUN; a node target and DSM host object exist only while something is published.
      perVolume: [/^LUN /],
      nodeObjects: { pattern: /^$/, count: 0 },
      volumeNames: async () =>
        [...sim.state.luns.values()]
          .filter((l) => l.deletingUntil === undefined && l.name.startsWith('k8s-'))
          .map((l) => l.name.slice('k8s-'.length)),
      audit: async () => (await sim.audit()).leaks,
      async stop() {
        await csp.stop();
        await sim.close();
        await remove();
      },
    };
  } catch (err) {
    await sim.close();
    await remove();
    throw err;
  }
}
