// The chart and the binaries must agree: every flag and environment variable the chart passes to
// the driver and the CSPs goes through the program's own option parser, which rejects unknown
// options. A flag renamed in the code and not in the chart fails here, not on a cluster.

import { join } from 'node:path';
import { parseDriverOptions } from '@opencsp/csi-driver';
import { parseOptions } from '@opencsp/csp-spec/options';
import { optionTable as synologyOptions } from '@opencsp/csp-synology';
import { optionTable as truenasOptions } from '@opencsp/csp-truenas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToolchain, ciValuesDir, findOne, Helm, type RenderResult } from '../../src/chart/helm.js';
import { container, podSpec } from './pods.js';

const missing = await chartToolchain('chart flag tests');

type Container = ReturnType<typeof container>;

/** Plain `value` env entries of a container, as the process would see them. */
function envOf(c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of c.env ?? []) {
    if (entry.value !== undefined) {
      env[entry.name] = entry.value;
    }
  }
  return env;
}

/** Kubernetes expands $(VAR) in args from the container's env; the downward API gives NODE_NAME. */
function expandArgs(c: Container): string[] {
  return (c.args ?? []).map((arg) =>
    arg.replace(/\$\((\w+)\)/g, (_, name: string) => (name === 'NODE_NAME' ? 'node-1' : `$(${name})`)),
  );
}

describe.skipIf(missing !== undefined)(`chart flags match the programs (${missing ?? 'rendered'})`, () => {
  let helm: Helm;
  let defaults: RenderResult;
  let both: RenderResult;
  beforeAll(async () => {
    helm = await Helm.start();
    defaults = await helm.render({});
    both = await helm.render({ valueFiles: [join(ciValuesDir, 'both-csps-values.yaml')] });
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  it('passes the controller and node drivers only options the driver accepts', () => {
    for (const [kind, name, mode] of [
      ['Deployment', 'opencsp-controller', 'controller'],
      ['DaemonSet', 'opencsp-node', 'node'],
    ] as const) {
      const driver = container(podSpec(findOne(defaults, kind, name)), 'csi-driver');
      const { values } = parseDriverOptions(expandArgs(driver), envOf(driver));
      expect(values.mode).toBe(mode);
      if (mode === 'node') {
        expect(values).toMatchObject({ nodeName: 'node-1', hostMode: 'chroot', multipath: 'preferred' });
      }
    }
  });

  it('passes each CSP only options and settings it accepts', () => {
    for (const [name, table] of [
      ['opencsp-csp-truenas', truenasOptions],
      ['opencsp-csp-synology', synologyOptions],
    ] as const) {
      const csp = container(podSpec(findOne(both, 'Deployment', name)), 'csp');
      const env = envOf(csp);
      expect(() => parseOptions(table, expandArgs(csp), env)).not.toThrow();
      for (const key of Object.keys(env)) {
        const known = Object.values(table).some((spec) => 'env' in spec && spec.env === key);
        expect(known, `${name} gets ${key}, which it does not read`).toBe(true);
      }
    }
  });
});
