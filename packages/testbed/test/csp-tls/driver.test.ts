// Issue 12, item 4, driver side: in service mode the driver speaks HTTPS to the CSP Service and
// verifies it against its CA bundle, so array credentials never cross the pod network in clear;
// plain HTTP only with --csp-plain-http. TLS failures say what is wrong, and a rotated CA bundle
// is used without restarting the driver.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import type * as csi from '@opencsp/csi-driver';
import { buildCspApp } from '@opencsp/csp-spec/server';
import { MemoryProvider } from '@opencsp/csp-spec/testing';
import { type DriverFixture, isGrpcError, startDriverFixture } from '@opencsp/testbed/harness';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { signedServingCertificate, testCertificateAuthority } from '../../src/common/index.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

const password = 'array-password-never-in-clear';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'driver-tls-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function driver(options: Parameters<typeof startDriverFixture>[0] = {}): Promise<DriverFixture> {
  const fixture = await startDriverFixture({ cspTimeoutMs: 5000, ...options });
  cleanups.push(() => fixture.stop());
  return fixture;
}

function createVolume(fixture: DriverFixture, port: number, name = 'pvc-tls'): Promise<unknown> {
  const request: csi.CreateVolumeRequest = {
    name,
    capacityRange: { requiredBytes: 1024 * 1024 },
    volumeCapabilities: [{ mount: { fsType: 'ext4' }, accessMode: { mode: 'SINGLE_NODE_WRITER' } }],
    parameters: {},
    secrets: {
      backend: 'array-1',
      username: 'admin',
      password,
      serviceName: '127.0.0.1',
      servicePort: String(port),
    },
  };
  return fixture.client.controller('CreateVolume', request);
}

/** A memory CSP serving HTTPS with a certificate from `ca` (or plain HTTP). */
async function memoryCsp(
  ca: { cert: string; key: string } | 'plain',
): Promise<{ port: number; provider: MemoryProvider }> {
  const provider = new MemoryProvider('admin', password);
  let tls: { certFile: string; keyFile: string } | undefined;
  if (ca !== 'plain') {
    const dir = await tempDir();
    const serving = await signedServingCertificate(ca);
    tls = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
    await writeFile(tls.certFile, serving.cert);
    await writeFile(tls.keyFile, serving.key);
  }
  const csp = await buildCspApp({ provider, logger: pino({ level: 'silent' }), docs: false, ...(tls ? { tls } : {}) });
  cleanups.push(() => csp.shutdown());
  const url = new URL(await csp.app.listen({ host: '127.0.0.1', port: 0 }));
  return { port: Number(url.port), provider };
}

async function failure(promise: Promise<unknown>): Promise<{ code: number; details: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isGrpcError(err)) {
    throw new Error(`expected a gRPC error, got ${String(err)}`);
  }
  return { code: err.code, details: err.details };
}

describe('driver to CSP over TLS', () => {
  it('never sends the array password in clear to a CSP Service (service mode is HTTPS by default)', async () => {
    const received: Buffer[] = [];
    const listener: Server = createServer((socket) => {
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', () => undefined);
      setTimeout(() => socket.destroy(), 200);
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => listener.close(resolve)));
    const fixture = await driver();
    const port = (listener.address() as { port: number }).port;
    const err = await failure(createVolume(fixture, port));
    expect(err.code).toBe(status.UNAVAILABLE);
    const bytes = Buffer.concat(received);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes[0]).toBe(0x16); // a TLS handshake record, not "POST /containers/v1/tokens"
    expect(bytes.toString('latin1')).not.toContain(password);
    expect(bytes.toString('latin1')).not.toContain('/tokens');
  });

  it('refuses a CSP whose certificate its CA bundle does not vouch for, before logging in', async () => {
    const { port, provider } = await memoryCsp(await testCertificateAuthority('a CA the driver never saw'));
    const err = await failure(createVolume(await driver(), port));
    expect(err.code).toBe(status.UNAVAILABLE);
    expect(err.details).toMatch(
      /TLS with the CSP failed: the CSP certificate is signed by a CA the driver does not trust/,
    );
    expect(provider.array.loginCount).toBe(0);
  });

  it('says so when the CSP serves plain HTTP, and talks to it only with --csp-plain-http', async () => {
    const { port, provider } = await memoryCsp('plain');
    const err = await failure(createVolume(await driver(), port));
    expect(err.details).toMatch(/does not speak TLS here/);
    expect(provider.array.loginCount).toBe(0);
    await createVolume(await driver({ cspPlainHttp: true }), port);
    expect(provider.array.loginCount).toBe(1);
  });

  it('uses a rotated CA bundle for new connections without a restart', async () => {
    const oldCa = await testCertificateAuthority('old CA');
    const newCa = await testCertificateAuthority('new CA');
    const { port, provider } = await memoryCsp(newCa);
    const caFile = join(await tempDir(), 'ca.crt');
    await writeFile(caFile, oldCa.cert);
    const fixture = await driver({ cspCaFile: caFile });
    expect((await failure(createVolume(fixture, port))).details).toMatch(/does not trust/);
    await writeFile(caFile, `${oldCa.cert}\n${newCa.cert}`);
    await createVolume(fixture, port);
    expect(provider.array.volumes.size).toBe(1);
  });
});
