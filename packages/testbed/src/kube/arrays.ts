// The arrays behind the kube stack's CSP. There is no TrueNAS or DSM on these machines, so each is
// its simulator, a stand-in that runs in the test process (not in a process of its own as
// src/bench/sim-process.ts does): the scenarios read its state directly (leak audit, LUN backing
// files, iSCSI sessions, host objects) and the loop-node driver asks it through the node API it
// serves. The CSP in front of it is the chart's Deployment run as a process (csp-pod.ts); what
// that CSP needs to reach the array is given as chart values an operator would write:
// `csps.<csp>.env`, `plaintextArrays`, and the array's CA as a Secret mounted with
// `extraVolumes`/`extraVolumeMounts`. The backend fixture (harness/backends) is then built on the
// simulator and that CSP process (`fixture`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseOptions } from '@opencsp/csp-spec/options';
import { optionTable } from '@opencsp/csp-synology';
import { DsmSimulator, type DsmSimulatorOptions, defaultAdmin } from '../dsm/index.js';
import type { E2eBackend } from '../e2e/stack.js';
import { hostsThroughCsp } from '../harness/backends/csp-admin.js';
import { quickDsmKnobs, synologyFixture } from '../harness/backends/synology.js';
import { truenasFixture } from '../harness/backends/truenas.js';
import type { CspHandle, LunSource } from '../harness/backends/types.js';
import { handleNodeApi, nodeApiPrefix } from '../loop/index.js';
import { TrueNasSimulator, type TrueNasSimulatorOptions } from '../truenas/simulator.js';

export type KubeCsp = 'truenas' | 'synology';

export interface KubeArrayOptions {
  truenas?: { sim?: TrueNasSimulatorOptions };
  synology?: { model?: string; sim?: DsmSimulatorOptions };
}

/** Where the CA of the array's certificate is mounted in the CSP container. */
const arrayCaDir = '/etc/opencsp/array-ca';

export interface KubeArray {
  csp: KubeCsp;
  /** The backend Secret's data: the array and its account (the chart adds serviceName/servicePort). */
  secrets: Record<string, string>;
  /** StorageClass parameters for this array's CSP. */
  parameters: Record<string, string>;
  /** The CA (PEM) of the array's certificate, for a Secret the CSP mounts (undefined: plain). */
  ca: string | undefined;
  /** `csps.<csp>` values besides `enabled` and the Service port; `caSecret` names the CA's Secret. */
  cspValues(caSecret: string): Record<string, unknown>;
  /** Where the node API is served (the loop-node driver's array), and the CA of its certificate. */
  nodeApi: { url: string; ca?: string };
  /** The target drops an initiator's sessions (its TCP connections died with its machine). */
  dropSessions(initiator: string): void;
  /** The backend fixture of this array with `csp` in front of it. */
  fixture(csp: CspHandle): E2eBackend;
  stop(): Promise<void>;
}

/** The node API on the simulator, answering once the fixture (its LUN source) exists. */
const nodeApi =
  (luns: () => LunSource | undefined) =>
  async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const source = luns();
    if (source) {
      await handleNodeApi(source, req, res, url);
    } else {
      res.writeHead(503).end();
    }
  };

const sessionsOf = (luns: LunSource, initiator: string) => luns.loggedIn().filter((s) => s.initiator === initiator);

/** The array's CA Secret, mounted where the CSP's `*_CA_FILE` setting names it. */
function caMount(caSecret: string) {
  return {
    extraVolumes: [{ name: 'array-ca', secret: { secretName: caSecret } }],
    extraVolumeMounts: [{ name: 'array-ca', mountPath: arrayCaDir, readOnly: true }],
  };
}

async function truenasArray(options: KubeArrayOptions): Promise<KubeArray> {
  const parents = ['tank/k8s'];
  const sim = await TrueNasSimulator.start({ datasets: parents, ...options.truenas?.sim });
  const secrets = {
    backend: sim.address,
    username: sim.username,
    password: sim.tls && sim.apiKey ? sim.apiKey : sim.password,
  };
  let luns: LunSource | undefined;
  sim.routes.add(
    nodeApiPrefix,
    nodeApi(() => luns),
  );
  return {
    csp: 'truenas',
    secrets,
    parameters: { compression: 'LZ4', volblocksize: '16K' },
    ca: sim.tls?.cert,
    cspValues: (caSecret) => ({
      env: {
        TRUENAS_PARENT_DATASETS: parents.join(','),
        ...(sim.tls ? { TRUENAS_TLS_CA_FILE: `${arrayCaDir}/ca.crt` } : {}),
      },
      ...(sim.tls ? caMount(caSecret) : { plaintextArrays: [sim.address] }),
    }),
    nodeApi: { url: `${sim.tls ? 'https' : 'http'}://${sim.address}`, ...(sim.tls ? { ca: sim.tls.cert } : {}) },
    dropSessions(iqn) {
      for (const s of luns ? sessionsOf(luns, iqn) : []) {
        sim.iscsiLogout(s.target, iqn);
      }
    },
    fixture(csp) {
      const backend = truenasFixture(sim, secrets, csp, () => sim.stop());
      luns = backend.luns;
      return backend;
    },
    stop: () => sim.stop(),
  };
}

async function synologyArray(options: KubeArrayOptions): Promise<KubeArray> {
  const sim = await DsmSimulator.start({
    model: options.synology?.model ?? 'DS923+',
    tls: true,
    ...options.synology?.sim,
    knobs: { ...quickDsmKnobs, ...options.synology?.sim?.knobs },
  });
  const secrets = { backend: sim.url, username: defaultAdmin.username, password: defaultAdmin.password };
  let luns: LunSource | undefined;
  sim.routes.add(
    nodeApiPrefix,
    nodeApi(() => luns),
  );
  const { namePrefix } = parseOptions(optionTable, [], {}).values;
  return {
    csp: 'synology',
    secrets,
    parameters: { location: 'volume1', provisioning: 'thin' },
    ca: sim.certificate,
    cspValues: (caSecret) => ({
      env: {
        SYNOLOGY_URL: sim.url,
        SYNOLOGY_POLL_INTERVAL: '10ms',
        ...(sim.certificate ? { SYNOLOGY_CA_FILE: `${arrayCaDir}/ca.crt` } : {}),
      },
      ...(sim.certificate ? caMount(caSecret) : { plaintextArrays: [new URL(sim.url).host] }),
    }),
    nodeApi: { url: sim.url, ...(sim.certificate ? { ca: sim.certificate } : {}) },
    dropSessions(iqn) {
      for (const s of luns ? sessionsOf(luns, iqn) : []) {
        sim.portalLogout(iqn, s.target);
      }
    },
    fixture(csp) {
      // csp-synology keeps host registrations in its memory: the fixture lists them through it.
      const hosts = () => hostsThroughCsp(secrets, csp.access);
      const handle = {
        access: csp.access,
        get metricsUrl() {
          return csp.metricsUrl;
        },
        restart: () => csp.restart(),
        hosts,
      };
      const backend = synologyFixture(sim, secrets, namePrefix, handle, () => sim.close());
      luns = backend.luns;
      return backend;
    },
    stop: () => sim.close(),
  };
}

export function startKubeArray(csp: KubeCsp, options: KubeArrayOptions): Promise<KubeArray> {
  return csp === 'truenas' ? truenasArray(options) : synologyArray(options);
}
