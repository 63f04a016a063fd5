// The whole suite passes against the kit serving the reference providers over real HTTP, in
// direct and service mode, and reports unclaimed features as "not claimed" rather than skipping.
import { afterEach, describe, expect, it } from 'vitest';
import { type ConformanceReport, formatReport, listCases, runConformance } from '../../src/conformance/index.js';
import type { CspProvider } from '../../src/server/index.js';
import { MemoryProvider } from '../../src/testing/index.js';
import { FullProvider } from './fixtures/full-provider.js';
import { errors } from './fixtures/rules.js';
import { type Running, startKit, startProxy } from './fixtures/servers.js';

const running: Running[] = [];
afterEach(async () => {
  while (running.length) {
    await running.pop()?.close();
  }
});

async function serve(provider: CspProvider): Promise<string> {
  const kit = await startKit(provider);
  running.push(kit);
  return kit.url;
}

function run(url: string, arrayIpHeader = false): Promise<ConformanceReport> {
  return runConformance({
    url,
    backend: '192.0.2.1',
    username: 'admin',
    password: 'secret-password',
    arrayIpHeader,
    modifyConfig: { tier: 'gold' },
  });
}

function statuses(report: ConformanceReport, status: string): string[] {
  return report.results.filter((r) => r.status === status).map((r) => r.id);
}

function expectPassed(report: ConformanceReport): void {
  expect(statuses(report, 'fail'), formatReport(report)).toEqual([]);
  expect(report.passed).toBe(true);
  expect(report.results.map((r) => r.id)).toEqual(listCases().map((c) => c.id));
}

function expectEmpty(provider: MemoryProvider): void {
  expect(provider.array.volumes.size).toBe(0);
  expect(provider.array.snapshots.size).toBe(0);
  expect(provider.array.hosts.size).toBe(0);
  expect(provider.array.openSessions).toBe(0);
}

describe('the suite against the memory provider', () => {
  it('passes in direct mode, reports unclaimed features, and leaves the array empty', async () => {
    const provider = new MemoryProvider();
    const report = await run(await serve(provider));
    expectPassed(report);
    expect(report.mode).toBe('direct');
    expect(statuses(report, 'not-claimed')).toEqual(['tokens.other-array', 'extensions.read-only-publish']);
    expect(provider.array.groups.volumeGroups.size + provider.array.groups.snapshotGroups.size).toBe(0);
    expectEmpty(provider);
  });

  it('checks the refusals of a memory CSP without groups', async () => {
    const provider = new MemoryProvider(undefined, undefined, { groups: false });
    const report = await run(await serve(provider));
    expectPassed(report);
    expect(statuses(report, 'not-claimed')).toEqual([
      'tokens.other-array',
      'groups.volume-groups',
      'groups.snapshot-groups',
      'groups.volume-lookup',
      'groups.snapshot-group-members',
      'groups.snapshot-group-clones',
      'extensions.read-only-publish',
    ]);
    const groups = report.results.find((r) => r.id === 'groups.volume-groups');
    expect(groups?.note).toBe(
      'feature volume_groups is not claimed; verified: the volume group operations answer 501, a volume_group_id 400',
    );
    expectEmpty(provider);
  });

  it('passes in service mode, where tokens are bound to the array', async () => {
    const provider = new MemoryProvider();
    const report = await run(await serve(provider), true);
    expectPassed(report);
    expect(report.mode).toBe('service');
    expect(report.results.find((r) => r.id === 'tokens.other-array')?.status).toBe('pass');
    expectEmpty(provider);
  });
});

describe('the suite against other CSP shapes', () => {
  it('passes every case, groups included, against a CSP that claims every feature', async () => {
    const provider = new FullProvider();
    const report = await run(await serve(provider), true);
    expectPassed(report);
    expect(statuses(report, 'not-claimed')).toEqual([]);
    expect(provider.array.groups.volumeGroups.size + provider.array.groups.snapshotGroups.size).toBe(0);
    expectEmpty(provider);
  });

  it('treats a CSP without GET /capabilities as plain HPE: every optional case is not claimed', async () => {
    const kit = await serve(new MemoryProvider());
    const proxy = await startProxy(kit, {
      answer: (seen) => (seen.path === '/capabilities' ? errors(404, 'no such route') : undefined),
    });
    running.push(proxy);
    const report = await run(proxy.url);
    expectPassed(report);
    expect(report.capabilities).toBeUndefined();
    // modify-volume is claimed by mutable_config_keys, which only GET /capabilities states.
    const byCapabilities = ['extensions.capabilities', 'extensions.modify-volume'];
    const expected = listCases()
      .filter((c) => c.feature || c.protocol || c.serviceModeOnly || byCapabilities.includes(c.id))
      .map((c) => c.id);
    expect(statuses(report, 'not-claimed')).toEqual(expected);
    const capacity = report.results.find((r) => r.id === 'extensions.capacity');
    expect(capacity?.note).toContain('plain HPE-style CSP');
    expect(formatReport(report)).toContain('no GET /capabilities (plain HPE-style CSP)');
  });
});
