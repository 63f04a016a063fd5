import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CspClient,
  CspConnectionError,
  CspHttpError,
  CspTimeoutError,
  normalizePublishInfo,
  type TokenSource,
} from '../src/client/index.js';
import type { CspApp } from '../src/server/index.js';
import type { MemoryProvider } from '../src/testing/index.js';
import { memoryApp } from './fixtures/app.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) {
    await cleanups.pop()?.();
  }
});

async function listen(csp: CspApp): Promise<string> {
  const address = await csp.app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => csp.shutdown());
  return `${address}/containers/v1`;
}

function rawServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  cleanups.push(() => new Promise((r) => server.close(r)));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/containers/v1`),
    ),
  );
}

class LoginTokens implements TokenSource {
  token: string | undefined;
  logins = 0;
  constructor(private readonly client: CspClient) {}
  async get(): Promise<string> {
    if (!this.token) {
      this.logins++;
      this.token = (await this.client.login({ username: 'admin', password: 'secret-password' })).session_token;
    }
    return this.token;
  }
  refused(token: string): void {
    if (this.token === token) {
      this.token = undefined;
    }
  }
}

function clientFor(baseUrl: string, options: Partial<ConstructorParameters<typeof CspClient>[0]> = {}) {
  const client = new CspClient({ baseUrl, retryDelayMs: 1, ...options });
  cleanups.push(() => client.close());
  const tokens = new LoginTokens(client);
  client.useTokens(tokens);
  return { client, tokens };
}

describe('CspClient against a real CSP over HTTP', () => {
  it('runs a volume lifecycle with typed results', async () => {
    const csp = await memoryApp();
    const { client } = clientFor(await listen(csp));
    expect(await client.findVolumeByName('pvc-a')).toBeUndefined();
    const volume = await client.createVolume({ name: 'pvc-a', size: 5 });
    expect(volume.size).toBe(1024 * 1024);
    expect((await client.findVolumeByName('pvc-a'))?.id).toBe(volume.id);
    await client.upsertHost({ uuid: 'node-1', iqns: ['iqn.1993-08.org.debian:01:abc'] });
    const info = await client.publishVolume(volume.id, { host_uuid: 'node-1' });
    expect(info).toMatchObject({ lun_id: 0, access_protocol: 'iscsi' });
    const snapshot = await client.createSnapshot({ name: 's1', volume_id: volume.id });
    expect(await client.hasSnapshots(volume.id)).toBe(true);
    expect((await client.findSnapshot(volume.id, 's1'))?.id).toBe(snapshot.id);
    expect(await client.findSnapshot(volume.id, 'nope')).toBeUndefined();
    expect((await client.capabilities())?.features.capacity).toBe(true);
    expect((await client.queryCapacity({})).available_bytes).toBeGreaterThan(0);
    const page = await client.listVolumes({ limit: 1 });
    expect(page.items).toHaveLength(1);
    await expect(client.deleteVolume(volume.id)).rejects.toMatchObject({ status: 400, reason: 'PUBLISHED' });
  });

  it('logs in again once when the CSP forgets the token (restart)', async () => {
    const csp = await memoryApp();
    const { client, tokens } = clientFor(await listen(csp));
    await client.listHosts();
    csp.tokens.drain();
    await client.listHosts();
    expect(tokens.logins).toBe(2);
    expect((csp.provider as MemoryProvider).array.loginCount).toBe(2);
  });

  it('gives up after one re-login when every token is refused', async () => {
    let calls = 0;
    const url = await rawServer((req, res) => {
      calls++;
      res.writeHead(req.url?.endsWith('/tokens') ? 200 : 401, { 'content-type': 'application/json' });
      res.end(
        req.url?.endsWith('/tokens') ? '{"session_token":"t"}' : '{"errors":[{"code":"Unauthorized","message":"no"}]}',
      );
    });
    const { client } = clientFor(url);
    await expect(client.listHosts()).rejects.toMatchObject({ status: 401 });
    expect(calls).toBe(4); // login, call, login, call
  });

  it('reads bare {code,message} bodies and non-JSON error pages', async () => {
    const url = await rawServer((req, res) => {
      if (req.url?.includes('bare')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"code":"Not Found","message":"no such group"}');
      } else {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>bad gateway</html>');
      }
    });
    const client = new CspClient({ baseUrl: url });
    cleanups.push(() => client.close());
    client.useTokens({ get: async () => 't', refused: () => {} });
    const bare = await client.getVolumeGroup('bare').catch((e: unknown) => e);
    expect(bare).toBeInstanceOf(CspHttpError);
    expect(bare).toMatchObject({ status: 404, code: 'Not Found' });
    expect((bare as CspHttpError).detail).toBe('no such group');
    const html = await client.getVolumeGroup('html').catch((e: unknown) => e);
    expect(html).toMatchObject({ status: 502 });
    expect((html as Error).message).toContain('bad gateway');
  });

  it('retries connection failures, then reports them', async () => {
    const url = await rawServer(() => {});
    const closed = url.replace(/:\d+\//, ':1/');
    const client = new CspClient({ baseUrl: closed, retries: 2, retryDelayMs: 1 });
    cleanups.push(() => client.close());
    client.useTokens({ get: async () => 't', refused: () => {} });
    const err = await client.getVolume('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CspConnectionError);
    expect((err as CspConnectionError).notSent).toBe(true);
  });

  it('times out a request that gets no answer', async () => {
    const url = await rawServer(() => {
      /* never answers */
    });
    const client = new CspClient({ baseUrl: url, timeoutMs: 50, retries: 0 });
    cleanups.push(() => client.close());
    client.useTokens({ get: async () => 't', refused: () => {} });
    await expect(client.getVolume('x')).rejects.toBeInstanceOf(CspTimeoutError);
  });
});

describe('normalizePublishInfo', () => {
  it('accepts a numeric-string lun_id and CSV target names', () => {
    const info = normalizePublishInfo({
      serial_number: 'abc',
      access_protocol: 'iscsi',
      lun_id: '3' as unknown as number,
      target_names: ['iqn.a:1, iqn.a:2'],
      discovery_ips: ['10.0.0.1'],
    });
    expect(info.lun_id).toBe(3);
    expect(info.target_names).toEqual(['iqn.a:1', 'iqn.a:2']);
  });
});
