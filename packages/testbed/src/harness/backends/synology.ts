// The Synology backend fixture for the kube harness: the DSM simulator (TLS, its own certificate)
// with csp-synology in front of it on 127.0.0.1, the StorageClass secret the driver needs to reach
// them (service mode), the simulator's leak audit, a CSP restart that loses every token and host
// registration, and the backing file of a published LUN for the node's loop transport.
import type { AddressInfo } from 'node:net';
import { parseOptions } from '@opencsp/csp-spec/options';
import { buildSynologyCsp, optionTable, type SynologyCsp, type SynologyOptions } from '@opencsp/csp-synology';
import { pino } from 'pino';
import { type BackingLookup, DsmSimulator, type DsmSimulatorOptions, defaultAdmin } from '../../dsm/index.js';
import type { BackendFixture } from './types.js';

export interface SynologyBackendOptions {
  /** Synology model the simulator plays (default DS923+: 256 LUNs, 128 targets). */
  model?: string;
  /** More simulator settings (knobs default to short DSM locks and deletes). */
  sim?: DsmSimulatorOptions;
  /** CSP settings on top of its defaults (e.g. `masking: 'chap'`). */
  csp?: Partial<SynologyOptions>;
}

/** The Synology fixture covers the controller lifecycle; the full BackendFixture is still to come. */
export interface SynologyBackend extends Pick<BackendFixture, 'name' | 'secrets' | 'audit' | 'restart' | 'stop'> {
  sim: DsmSimulator;
  /** The running CSP (replaced by `restart()`). */
  readonly csp: SynologyCsp;
  port: number;
  audit(): Promise<string[]>;
  restart(): Promise<void>;
  /**
   * The backing file of the LUN a publish context points at (by `serialNumber`, else by
   * `targetNames` + `lunId`): what the loop transport attaches in place of an iSCSI login.
   */
  backingFile(publishContext: Record<string, string>): Promise<string>;
}

/** DSM's asynchronous work, shortened so that harness scenarios run in seconds. */
export const quickDsmKnobs = {
  lockAfterCreateMs: 30,
  lockAfterCloneMs: 60,
  lockAfterResizeMs: 30,
  deleteDelayMs: 30,
};

function lookupOf(context: Record<string, string>): BackingLookup {
  if (context.serialNumber) {
    return { serial: context.serialNumber };
  }
  const target = context.targetNames?.split(',')[0];
  const lun = Number(context.lunId);
  if (target && Number.isInteger(lun)) {
    return { target, lun };
  }
  throw new Error('the publish context has neither serialNumber nor targetNames and lunId');
}

export async function synologyBackend(options: SynologyBackendOptions = {}): Promise<SynologyBackend> {
  const sim = await DsmSimulator.start({
    model: options.model ?? 'DS923+',
    tls: true,
    ...options.sim,
    knobs: { ...quickDsmKnobs, ...options.sim?.knobs },
  });
  try {
    const { values } = parseOptions(optionTable, [], {});
    const settings: SynologyOptions = { ...values, dsmUrl: sim.url, pollInterval: 10, ...options.csp };
    const logger = pino({ level: process.env.HARNESS_CSP_LOG_LEVEL ?? 'silent' });
    const build = () => buildSynologyCsp(settings, logger, { ca: sim.certificate, responseValidation: 'strict' });
    let csp = await build();
    await csp.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (csp.app.server.address() as AddressInfo).port;
    return {
      name: `synology-${sim.state.model.model}`,
      sim,
      get csp() {
        return csp;
      },
      port,
      secrets: {
        backend: sim.url,
        username: defaultAdmin.username,
        password: defaultAdmin.password,
        serviceName: '127.0.0.1',
        servicePort: String(port),
      },
      async audit() {
        return (await sim.audit()).leaks;
      },
      async restart() {
        await csp.shutdown();
        csp = await build();
        await csp.app.listen({ host: '127.0.0.1', port });
      },
      async backingFile(publishContext) {
        const lookup = lookupOf(publishContext);
        const file = sim.backingFile(lookup);
        if (!file) {
          throw new Error(`the DSM simulator has no published LUN for ${JSON.stringify(lookup)}`);
        }
        return file;
      },
      async stop() {
        try {
          await csp.shutdown();
        } finally {
          await sim.close();
        }
      },
    };
  } catch (err) {
    await sim.close();
    throw err;
  }
}
