import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackingStore, CallCounter, FaultInjector, selfSignedCertificate } from '../../src/common/index.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('BackingStore', () => {
  it('creates sparse files, grows them, copies them point-in-time and removes them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opencsp-store-'));
    dirs.push(dir);
    const store = new BackingStore(join(dir, 'luns'));
    await store.init();
    const file = await store.create('lun1', 64 * 1024 * 1024);
    const info = await stat(file);
    expect(info.size).toBe(64 * 1024 * 1024);
    expect(info.blocks * 512).toBeLessThan(1024 * 1024);
    await writeFile(file, 'first', { flag: 'r+' });
    await store.copy('lun1', 'snap1');
    await writeFile(file, 'later', { flag: 'r+' });
    expect((await readFile(store.path('snap1'))).subarray(0, 5).toString()).toBe('first');
    await store.grow('lun1', 128 * 1024 * 1024);
    expect(await store.size('lun1')).toBe(128 * 1024 * 1024);
    await expect(store.grow('lun1', 1)).rejects.toThrow(/shrink/);
    expect(() => store.path('../escape')).toThrow(/invalid backing key/);
    await store.remove('lun1');
    await expect(stat(file)).rejects.toThrow();
  });
});

describe('FaultInjector', () => {
  it('is deterministic per seed and honours the method filter', () => {
    const a = new FaultInjector({ errorRate: 0.5 }, 7);
    const b = new FaultInjector({ errorRate: 0.5 }, 7);
    const picks = Array.from({ length: 50 }, () => a.pick('x'));
    expect(Array.from({ length: 50 }, () => b.pick('x'))).toEqual(picks);
    expect(picks.filter((p) => p === 'error').length).toBeGreaterThan(10);
    const filtered = new FaultInjector({ dropRate: 1, methods: /^pool\./ });
    expect(filtered.pick('iscsi.target.query')).toBeUndefined();
    expect(filtered.pick('pool.dataset.create')).toBe('drop');
    filtered.reset();
    expect(filtered.pick('pool.dataset.create')).toBeUndefined();
  });
});

describe('CallCounter', () => {
  it('measures the calls made by a piece of work', async () => {
    const counter = new CallCounter();
    counter.record('a');
    const { calls, total, result } = await counter.measure(async () => {
      counter.record('a');
      counter.record('b');
      return 42;
    });
    expect(result).toBe(42);
    expect(calls).toEqual({ a: 1, b: 1 });
    expect(total).toBe(2);
    expect(counter.byMethod()).toEqual({ a: 2, b: 1 });
  });
});

describe('selfSignedCertificate', () => {
  it('produces a key pair an HTTPS server accepts', async () => {
    const tls = await selfSignedCertificate();
    const server = createServer(tls, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.close();
    expect(tls.cert).toContain('BEGIN CERTIFICATE');
  });
});
