// docs/metrics.md describes every metric the driver (all modes) and a CSP (kit and array client)
// expose, and every label of the allowlist; the README links it.
import { readFile } from 'node:fs/promises';
import { startDriverMetrics } from '@opencsp/csi-driver';
import { allowedLabels, arrayMetrics, kitMetrics, MetricsHub, registerProcessMetrics } from '@opencsp/csp-spec/metrics';
import { describe, expect, it } from 'vitest';

const docsUrl = new URL('../../../../docs/metrics.md', import.meta.url);
const readmeUrl = new URL('../../../../README.md', import.meta.url);

const helpNames = (text: string) => [...text.matchAll(/^# HELP (\S+) /gm)].map((m) => m[1] as string);

async function exposedNames(): Promise<string[]> {
  const driver = await startDriverMetrics({ address: { host: '127.0.0.1', port: 0 }, path: '/metrics' }, '0', 'all');
  try {
    const driverText = await (await fetch(driver?.url ?? '')).text();
    const hub = new MetricsHub();
    registerProcessMetrics(hub, { component: 'csp-test', version: '0' });
    kitMetrics(hub);
    arrayMetrics(hub);
    return [...new Set([...helpNames(driverText), ...helpNames(await hub.expose())])];
  } finally {
    await driver?.close();
  }
}

describe('docs/metrics.md', () => {
  it('names every metric the driver and the CSPs expose', async () => {
    const docs = await readFile(docsUrl, 'utf8');
    const names = await exposedNames();
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      expect(docs, name).toContain(`\`${name}\``);
    }
  });

  it('describes every label of the allowlist and is linked from the README', async () => {
    const docs = await readFile(docsUrl, 'utf8');
    for (const label of Object.keys(allowedLabels)) {
      expect(docs, label).toContain(`\`${label}\``);
    }
    expect(await readFile(readmeUrl, 'utf8')).toContain('docs/metrics.md');
  });
});
