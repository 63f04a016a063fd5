// The CLI end to end, in process: options from flags and environment, exit codes, the text and
// JSON reports, and the password never printed.
import { afterEach, describe, expect, it } from 'vitest';
import { type CliIo, main, parseSize } from '../../src/conformance/cli.js';
import type { ConformanceReport } from '../../src/conformance/index.js';
import { MemoryProvider } from '../../src/testing/index.js';
import { answer, req } from './fixtures/rules.js';
import { type Running, startKit, startProxy } from './fixtures/servers.js';

const running: Running[] = [];
afterEach(async () => {
  while (running.length) {
    await running.pop()?.close();
  }
});

function io(env: Record<string, string> = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env,
    out: () => out,
    err: () => err,
  };
}

async function kit(): Promise<string> {
  const started = await startKit(new MemoryProvider());
  running.push(started);
  return started.url;
}

const password = 'secret-password';
const flags = (url: string) => ['--url', url, '--backend', '192.0.2.1', '--username', 'admin', '--password', password];

describe('csp-conformance', () => {
  it('exits 0 with a readable report when every case passes', async () => {
    const streams = io();
    const code = await main([...flags(await kit()), '--only', 'volumes,cleanup', '--size', '32Mi'], streams);
    expect(code, streams.out()).toBe(0);
    expect(streams.out()).toMatch(/ {2}PASS {8}volumes\.create /);
    expect(streams.out()).toContain('volumes are 32 MiB');
    expect(streams.out()).toContain('RESULT: the CSP conforms to the contract.');
    expect(streams.err()).toMatch(/^pass +volumes\.create \(\d+ ms\)$/m);
    expect(streams.out() + streams.err()).not.toContain(password);
  });

  it('takes its options from the environment and prints JSON with --json', async () => {
    const streams = io({
      CSP_URL: await kit(),
      CSP_BACKEND: '192.0.2.1',
      CSP_USERNAME: 'admin',
      CSP_PASSWORD: password,
      CSP_ARRAY_IP_HEADER: 'true',
      CSP_CONFORMANCE_ONLY: 'tokens',
    });
    expect(await main(['--json'], streams)).toBe(0);
    const report = JSON.parse(streams.out()) as ConformanceReport;
    expect(report.mode).toBe('service');
    expect(report.results.map((r) => r.id)).toEqual([
      'tokens.login',
      'tokens.bad-credentials',
      'tokens.missing-token',
      'tokens.unknown-token',
      'tokens.logout',
      'tokens.other-array',
      'cleanup',
    ]);
    expect(streams.out()).not.toContain(password);
  });

  it('exits 1 and shows the failing request when a case fails', async () => {
    const proxy = await startProxy(
      await kit(),
      answer(
        req('GET', /^\/volumes$/, (s) => s.query.has('name')),
        { status: 200, body: [] },
      ),
    );
    running.push(proxy);
    const streams = io();
    expect(await main([...flags(proxy.url), '--only', 'volumes.find-absent-name'], streams)).toBe(1);
    expect(streams.out()).toMatch(/FAIL {8}volumes\.find-absent-name/);
    expect(streams.out()).toMatch(/request: {2}GET \/containers\/v1\/volumes\?name=cspconf-[0-9a-f]{8}-absent\d+/);
    expect(streams.out()).toContain('RESULT: the CSP does NOT conform to the contract.');
  });

  it('exits 2 for missing options without printing the password', async () => {
    const streams = io({ CSP_PASSWORD: password });
    expect(await main(['--url', 'http://127.0.0.1:1', '--size', 'huge'], streams)).toBe(2);
    expect(streams.err()).toContain('--backend (or CSP_BACKEND) is required');
    expect(streams.err()).toContain('--username (or CSP_USERNAME) is required');
    expect(streams.err()).toContain('--size "huge" must be a size');
    expect(streams.err()).not.toContain(password);
  });

  it('exits 2 for an unknown case id and for a CSP that cannot be reached', async () => {
    const url = await kit();
    const unknown = io();
    expect(await main([...flags(url), '--only', 'volumes.nope'], unknown)).toBe(2);
    expect(unknown.err()).toContain('unknown case id(s): volumes.nope');
    await running.pop()?.close();
    const unreachable = io();
    expect(await main(flags(url), unreachable)).toBe(2);
    expect(unreachable.err()).toMatch(/cannot be reached/);
    expect(unreachable.err()).not.toContain(password);
  });

  it('stops after the current case and still cleans up when interrupted', async () => {
    const controller = new AbortController();
    const streams = io();
    const proxy = await startProxy(await kit(), {
      answer: (seen) => {
        if (seen.method === 'POST' && seen.path === '/volumes') {
          controller.abort();
        }
        return undefined;
      },
    });
    running.push(proxy);
    const code = await main([...flags(proxy.url), '--only', 'volumes', '--json'], {
      ...streams,
      signal: controller.signal,
    });
    const report = JSON.parse(streams.out()) as ConformanceReport;
    expect(code).toBe(1);
    expect(report.results[0]).toMatchObject({ id: 'volumes.create', status: 'pass' });
    expect(report.results[1]).toMatchObject({
      status: 'fail',
      failure: { message: 'not run: the run was interrupted' },
    });
    expect(report.results.at(-1)).toMatchObject({ id: 'cleanup', status: 'pass' });
  });

  it('prints help and the case list', async () => {
    const help = io();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out()).toContain('--array-ip-header (env CSP_ARRAY_IP_HEADER)');
    const list = io();
    expect(await main(['--list'], list)).toBe(0);
    expect(list.out()).toMatch(/^groups\.volume-groups +volume groups: .*\[feature volume_groups\]$/m);
    expect(list.out()).toMatch(/^cleanup +everything the suite created/m);
  });

  it('parses sizes with binary and decimal units', () => {
    expect(parseSize('64Mi')).toBe(64 * 1024 ** 2);
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('100M')).toBe(1e8);
    expect(parseSize('4096')).toBe(4096);
    expect(() => parseSize('-1')).toThrow(/must be a size/);
  });
});
