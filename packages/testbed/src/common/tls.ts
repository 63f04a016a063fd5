// A self-signed certificate for simulators that serve TLS, generated at start and kept in memory.
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
}

export async function selfSignedCertificate(hostname = 'localhost'): Promise<TlsMaterial> {
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec',
    notAfterDate: new Date(Date.now() + 7 * 24 * 3_600_000),
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
