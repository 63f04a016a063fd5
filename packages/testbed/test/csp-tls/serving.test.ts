// Issue 12, item 4, CSP side: a CSP serves HTTPS with the certificate and key from files, picks up
// new files without a restart (new connections get the new certificate, a broken pair is refused
// and the old one keeps serving), and both CSP programs refuse to start without TLS files unless
// plain HTTP is asked for explicitly.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import { buildCspApp, type CspApp } from '@opencsp/csp-spec/server';
import { MemoryProvider } from '@opencsp/csp-spec/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  signedServingCertificate,
  type TlsMaterial,
  testCertificateAuthority,
  testPki,
  writeServingFiles,
} from '../../src/common/index.js';
import { serviceScript } from '../../src/launch/service-entry.js';

const run = promisify(execFile);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'csp-tls-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(dir: string): Promise<{ csp: CspApp; port: number; ca: string }> {
  const files = await writeServingFiles(dir);
  const csp = await buildCspApp({
    provider: new MemoryProvider(),
    logger: pino({ level: 'silent' }),
    docs: false,
    tls: { ...files, reloadIntervalMs: 100 },
  });
  cleanups.push(() => csp.shutdown());
  const url = new URL(await csp.app.listen({ host: '127.0.0.1', port: 0 }));
  expect(url.protocol).toBe('https:');
  return { csp, port: Number(url.port), ca: files.ca };
}

/** The certificate a new TLS connection is served, verified against `ca`. */
function servedCertificate(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '');
      socket.end();
    });
    socket.on('error', reject);
  });
}

function fingerprint(material: TlsMaterial): Promise<string> {
  return import('node:crypto').then(({ X509Certificate }) => new X509Certificate(material.cert).fingerprint256);
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen`);
}

describe('CSP serving TLS from files', () => {
  it('serves HTTPS verified by the CA, and only to clients that trust it', async () => {
    const { port, ca } = await serve(await tempDir());
    expect(await servedCertificate(port, ca)).toBe(await fingerprint((await testPki()).serving));
    const stranger = await testCertificateAuthority('another CA');
    await expect(servedCertificate(port, stranger.cert)).rejects.toThrow(/self-signed|unable to verify|certificate/i);
  });

  it('swaps in a renewed certificate without a restart, and keeps the old one when the new pair is broken', async () => {
    const dir = await tempDir();
    const { csp, port, ca } = await serve(dir);
    const renewed = await signedServingCertificate((await testPki()).ca);
    await writeFile(join(dir, 'tls.key'), renewed.key);
    await writeFile(join(dir, 'tls.crt'), renewed.cert);
    const wanted = await fingerprint(renewed);
    await eventually(async () => (await servedCertificate(port, ca)) === wanted, 'serving the renewed certificate');
    expect(csp.certificates?.reloads).toBe(1);

    const other = await signedServingCertificate((await testPki()).ca);
    await writeFile(join(dir, 'tls.crt'), other.cert); // its key never comes: the pair does not match
    expect(await csp.certificates?.reload()).toBe(false);
    expect(await servedCertificate(port, ca)).toBe(wanted);
  });

  it('refuses to start with a key that does not belong to the certificate', async () => {
    const dir = await tempDir();
    const files = await writeServingFiles(dir);
    const stranger = await signedServingCertificate((await testPki()).ca);
    await writeFile(files.keyFile, stranger.key);
    await expect(
      buildCspApp({ provider: new MemoryProvider(), logger: pino({ level: 'silent' }), tls: files }),
    ).rejects.toThrow(/not a usable certificate and key/);
  });
});

describe('CSP programs serve HTTPS unless told otherwise', () => {
  const programs = [
    { name: 'csp-truenas', args: ['--array', '127.0.0.1:1', '--parent-datasets', 'tank/k8s'] },
    { name: 'csp-synology', args: [] },
  ] as const;
  for (const { name, args } of programs) {
    it(`${name} refuses to start without --cert-file/--key-file or an explicit --plain-http`, async () => {
      const failure = await run(process.execPath, [serviceScript(name), ...args, '--port', '0'], {
        env: { PATH: process.env.PATH ?? '' },
        timeout: 30_000,
      }).catch((err: { code?: number; stderr?: string }) => err);
      expect((failure as { code?: number }).code).toBe(2);
      expect((failure as { stderr?: string }).stderr).toMatch(/CSP_TLS_CERT_FILE.*CSP_PLAIN_HTTP/s);
    });
  }
});
