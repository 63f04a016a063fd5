// Every case must be able to fail: each is pointed at a CSP broken in one way that the case is
// meant to catch, and must report `fail` with the expected message and the request at fault.
import { afterEach, describe, expect, it } from 'vitest';
import { listCases, runConformance } from '../../src/conformance/index.js';
import { MemoryProvider } from '../../src/testing/index.js';
import { accessFaults } from './fixtures/faults-access.js';
import { coreFaults } from './fixtures/faults-core.js';
import { dataFaults } from './fixtures/faults-data.js';
import { featureFaults } from './fixtures/faults-features.js';
import { inputFaults } from './fixtures/faults-input.js';
import { nvmeFaults } from './fixtures/faults-nvme.js';
import type { Fault } from './fixtures/rules.js';
import { type Running, startKit, startProxy } from './fixtures/servers.js';

const faults = {
  ...coreFaults,
  ...dataFaults,
  ...inputFaults,
  ...accessFaults,
  ...featureFaults,
  ...nvmeFaults,
};
const running: Running[] = [];

afterEach(async () => {
  while (running.length) {
    await running.pop()?.close();
  }
});

async function brokenCsp(fault: Fault): Promise<string> {
  const kit = await startKit(fault.provider?.() ?? new MemoryProvider());
  running.push(kit);
  if (!fault.proxy) {
    return kit.url;
  }
  const proxy = await startProxy(kit.url, typeof fault.proxy === 'function' ? fault.proxy() : fault.proxy);
  running.push(proxy);
  return proxy.url;
}

describe('every case can fail', () => {
  it('has at least one broken CSP per case id, and no fault for an unknown id', () => {
    const ids = listCases().map((c) => c.id);
    expect(ids.filter((id) => !faults[id]?.length)).toEqual([]);
    expect(Object.keys(faults).filter((id) => !ids.includes(id))).toEqual([]);
  });

  const table = Object.entries(faults).flatMap(([id, list]) => list.map((fault) => ({ id, what: fault.what, fault })));
  it.each(table)('$id fails against a CSP that $what', async ({ id, fault }) => {
    const url = await brokenCsp(fault);
    const report = await runConformance({
      url,
      backend: '192.0.2.1',
      username: 'admin',
      password: 'secret-password',
      arrayIpHeader: fault.serviceMode === true,
      only: fault.only ?? [id],
      ...(fault.modifyConfig ? { modifyConfig: fault.modifyConfig } : {}),
    });
    const result = report.results.find((r) => r.id === id);
    expect(result?.status, JSON.stringify(result, null, 2)).toBe('fail');
    expect(result?.failure?.message).toMatch(fault.message);
    expect(result?.failure?.request, 'the failure shows the request at fault').toBeDefined();
    expect(report.passed).toBe(false);
    expect(JSON.stringify(report)).not.toContain('secret-password');
  });
});
