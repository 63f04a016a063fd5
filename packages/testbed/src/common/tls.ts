// Certificates for tests, generated at run time and kept in memory (written to a caller's temp dir
// when a program needs files):
// - a self-signed certificate for simulators that serve TLS (an array's own certificate);
// - a test CA and CSP serving certificates it signs, the way the chart's generated CA (or
//   cert-manager) serves the CSPs and the driver trusts that CA (docs/security.md).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
}

const week = 7 * 24 * 3_600_000;

export async function selfSignedCertificate(hostname = 'localhost'): Promise<TlsMaterial> {
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec',
    notAfterDate: new Date(Date.now() + week),
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: hostname },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** A new certificate authority (nothing trusts it but the tests that are given its certificate). */
export async function testCertificateAuthority(name = 'opencsp test CA'): Promise<TlsMaterial> {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    notAfterDate: new Date(Date.now() + week),
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** A serving certificate for `names` (DNS names and IPv4/IPv6 addresses) signed by `ca`. */
export async function signedServingCertificate(
  ca: TlsMaterial,
  names: readonly string[] = ['localhost', '127.0.0.1'],
): Promise<TlsMaterial> {
  const isIp = (n: string) => /^[\d.]+$/.test(n) || n.includes(':');
  const pems = await generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
    keyType: 'ec',
    notAfterDate: new Date(Date.now() + week),
    algorithm: 'sha256',
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: names.map((n) => (isIp(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })),
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export interface TestPki {
  ca: TlsMaterial;
  /** The CSP serving certificate for 127.0.0.1 and localhost. */
  serving: TlsMaterial;
}

let shared: Promise<TestPki> | undefined;

/** One CA and one loopback serving certificate per test process (generating them costs ~10 ms). */
export function testPki(): Promise<TestPki> {
  shared ??= (async () => {
    const ca = await testCertificateAuthority();
    return { ca, serving: await signedServingCertificate(ca) };
  })();
  return shared;
}

export interface ServingFiles {
  certFile: string;
  keyFile: string;
  /** The CA certificate (PEM) clients must trust. */
  ca: string;
}

/** Writes the shared serving certificate and key into `dir` (the caller removes the dir). */
export async function writeServingFiles(dir: string): Promise<ServingFiles> {
  const pki = await testPki();
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  await writeFile(certFile, pki.serving.cert);
  await writeFile(keyFile, pki.serving.key, { mode: 0o600 });
  return { certFile, keyFile, ca: pki.ca.cert };
}
