// The runner itself: login failures, unreachable CSPs, bad options, hooks, progress lines, case
// selection, sizes taken from the CSP's limits, secrets kept out of reports, and the text report.
import { afterEach, describe, expect, it } from 'vitest';
import { ConformanceUnreachable, formatReport, listCases, runConformance } from '../../src/conformance/index.js';
import { MemoryProvider } from '../../src/testing/index.js';
import { body, req, rewrite } from './fixtures/rules.js';
import { type ProxyRule, type Running, startKit, startProxy } from './fixtures/servers.js';

const MiB = 1024 * 1024;
const running: Running[] = [];
afterEach(async () => {
  while (running.length) {
    await running.pop()?.close();
  }
});

async function csp(rule?: ProxyRule): Promise<string> {
  const kit = await startKit(new MemoryProvider());
  running.push(kit);
  if (!rule) {
    return kit.url;
  }
  const proxy = await startProxy(kit.url, rule);
  running.push(proxy);
  return proxy.url;
}

const target = { backend: '192.0.2.1', username: 'admin', password: 'secret-password' };

describe('runner', () => {
  it('fails every case, saying why, when the suite cannot log in', async () => {
    const report = await runConformance({ ...target, url: await csp(), password: 'wrong-password', only: ['volumes'] });
    const volumes = report.results.filter((r) => r.area === 'volumes');
    expect(volumes.length).toBeGreaterThan(0);
    for (const result of volumes) {
      expect(result.status).toBe('fail');
      expect(result.failure?.message).toBe('not run: login failed: POST /tokens answered 401');
      expect(result.failure?.request?.body).toEqual({ username: 'admin', password: '***' });
    }
    expect(JSON.stringify(report)).not.toContain('wrong-password');
  });

  it('throws ConformanceUnreachable when nothing listens at the url', async () => {
    const url = await csp();
    await running.pop()?.close();
    await expect(runConformance({ ...target, url })).rejects.toBeInstanceOf(ConformanceUnreachable);
  });

  it('refuses bad options before sending anything', async () => {
    const url = await csp();
    await expect(runConformance({ ...target, url, only: ['volumes.nope'] })).rejects.toThrow(
      /unknown case id\(s\): volumes.nope/,
    );
    await expect(runConformance({ ...target, url, sizeBytes: 4096 })).rejects.toThrow(/at least 1 MiB/);
    await expect(runConformance({ ...target, url: 'ftp://csp' })).rejects.toThrow(/http:\/\/ or https:\/\//);
  });

  it('runs the cases of an area, calls the hooks and logs one line per case', async () => {
    const lines: string[] = [];
    const seen: string[] = [];
    let cleanupInAfterAll: string | undefined;
    const report = await runConformance({
      ...target,
      url: await csp(),
      only: ['clones'],
      log: (line) => lines.push(line),
      hooks: {
        afterCase: ({ caseId }) => {
          seen.push(caseId);
          if (caseId === 'clones.create') {
            throw new Error('leak audit found 1 extent');
          }
        },
        afterAll: ({ report: partial }) => {
          cleanupInAfterAll = partial.results.at(-1)?.id;
          throw new Error('leak audit found 1 target');
        },
      },
    });
    const clones = listCases()
      .filter((c) => c.area === 'clones')
      .map((c) => c.id);
    expect(seen).toEqual(clones);
    expect(report.results.map((r) => r.id)).toEqual([...clones, 'cleanup']);
    expect(report.results[0]).toMatchObject({
      status: 'fail',
      failure: { message: 'afterCase hook: leak audit found 1 extent' },
    });
    expect(report.results.at(-1)).toMatchObject({
      status: 'fail',
      failure: { message: 'afterAll hook: leak audit found 1 target' },
    });
    expect(cleanupInAfterAll).toBe('cleanup');
    expect(lines).toHaveLength(clones.length + 1);
    expect(lines[1]).toMatch(/^pass +clones.snapshot-in-use \(\d+ ms\)$/);
  });

  it('raises the volume size to the minimum and granularity the CSP advertises', async () => {
    const limits = { min_volume_size: 65 * MiB, size_granularity: 4 * MiB };
    const url = await csp(
      rewrite(req('GET', /^\/capabilities$/), (up) => ({ ...up, body: { ...(up.body as object), limits } })),
    );
    const report = await runConformance({ ...target, url, only: ['volumes.create'] });
    expect(report.sizeBytes).toBe(68 * MiB);
    expect(report.results[0]?.status).toBe('pass');
  });

  it('masks the password and every session token in reports', async () => {
    const tokens: string[] = [];
    const url = await csp(
      rewrite(req('POST', /^\/tokens$/), (up) => {
        const token = (up.body as { session_token?: string }).session_token;
        if (token) {
          tokens.push(token);
        }
        return tokens.length > 1 ? { ...up, status: 201 } : up;
      }),
    );
    const report = await runConformance({ ...target, url, only: ['tokens.login'] });
    const failure = report.results[0]?.failure;
    expect(failure?.request?.body).toEqual({ username: 'admin', password: '***' });
    expect(failure?.received?.body).toMatchObject({ session_token: '***' });
    const text = `${JSON.stringify(report)}${formatReport(report)}`;
    expect(tokens.length).toBe(2);
    for (const secret of ['secret-password', ...tokens]) {
      expect(text).not.toContain(secret);
    }
  });

  it('formats a readable report with the failing request, expectation and answer', async () => {
    const url = await csp(
      rewrite(
        req('POST', /^\/volumes$/, (s) => body(s).size === -1),
        () => ({ status: 200, body: { id: 'x' } }),
      ),
    );
    const report = await runConformance({ ...target, url, only: ['validation.size-range', 'volumes.create'] });
    const text = formatReport(report);
    expect(text).toContain(`CSP conformance: ${url}/containers/v1 (direct mode, backend 192.0.2.1)`);
    expect(text).toMatch(/ {2}PASS {8}volumes\.create /);
    expect(text).toMatch(/ {2}FAIL {8}validation\.size-range /);
    expect(text).toMatch(/problem: {2}create a volume with size -1: expected 400, got 200/);
    expect(text).toMatch(
      /request: {2}POST \/containers\/v1\/volumes \{"name":"cspconf-[0-9a-f]{8}-vol\d+","size":-1\}/,
    );
    expect(text).toContain('expected: 400 with {"errors":[{"code":"Bad Request","message":"..."}]}');
    expect(text).toContain('received: 200 {"id":"x"}');
    expect(text).toMatch(/3 cases: 2 passed, 1 failed, 0 not claimed/);
    expect(text).toContain('RESULT: the CSP does NOT conform to the contract.');
  });
});
