// The CSPs' rule for array certificates (ArrayTrust): a certificate that chains to the CA file and
// names the address, or exactly a certificate the CA file holds; nothing else, and no switch to
// turn verification off. Real TLS handshakes on loopback with generated certificates.
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { ArrayTrust } from '@opencsp/csp-spec/server';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';

interface Material {
  key: string;
  cert: string;
}

async function certificate(name: string, options: { ip?: string; ca?: Material; isCa?: boolean } = {}) {
  const altNames = [{ type: 2 as const, value: name }, ...(options.ip ? [{ type: 7 as const, ip: options.ip }] : [])];
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 3_600_000),
    extensions: options.isCa
      ? [
          { name: 'basicConstraints', cA: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true },
        ]
      : [{ name: 'subjectAltName', altNames }],
    ...(options.ca ? { ca: options.ca } : {}),
  });
  return { key: pems.private, cert: pems.cert };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Serves `material` on 127.0.0.1 and returns what the trust check says about the handshake. */
async function verdict(material: Material, trust: ArrayTrust): Promise<string> {
  const server = createServer({ key: material.key, cert: material.cert }, (socket) => socket.end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const socket: TLSSocket = connect({ host: '127.0.0.1', port, ...trust.tlsOptions });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return trust.check(socket)?.code ?? 'trusted';
  } finally {
    socket.destroy();
  }
}

describe('array certificate trust', () => {
  it('accepts a certificate that chains to the CA file and names the address', async () => {
    const ca = await certificate('Lab CA', { isCa: true });
    const leaf = await certificate('nas.lab', { ip: '127.0.0.1', ca });
    expect(await verdict(leaf, new ArrayTrust(ca.cert))).toBe('trusted');
  });

  it('refuses a certificate from the CA that names another host, unless the file holds it itself', async () => {
    const ca = await certificate('Lab CA', { isCa: true });
    const leaf = await certificate('synology', { ca });
    expect(await verdict(leaf, new ArrayTrust(ca.cert))).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await verdict(leaf, new ArrayTrust(`${ca.cert}\n${leaf.cert}`))).toBe('trusted');
  });

  it('accepts self-signed certificates listed in the file, several with one subject, and refuses others', async () => {
    const first = await certificate('synology');
    const second = await certificate('synology');
    const stranger = await certificate('synology');
    const trust = new ArrayTrust(`${first.cert}${second.cert}`);
    expect(await verdict(first, trust)).toBe('trusted');
    expect(await verdict(second, trust)).toBe('trusted');
    expect(await verdict(stranger, trust)).not.toBe('trusted');
    expect(await verdict(first, new ArrayTrust(undefined))).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('refuses a CA file without a certificate', () => {
    expect(() => new ArrayTrust('not a certificate')).toThrow(/holds no PEM certificate/);
  });
});
