// How a CSP trusts an array's TLS certificate. Verification is always on: the certificate must
// chain to the operator's CA file (or the system CAs) and carry the array's name. NAS appliances
// often serve a certificate whose names do not match the address the cluster uses (DSM's default
// certificate is issued to "synology"), so a certificate that the CA file holds itself is pinned:
// when the array presents exactly that certificate, its names are not checked. Presenting it
// proves possession of its private key, so nothing the operator did not trust gets through.
import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';

export interface ArrayTlsOptions {
  /** PEM bundle to trust instead of the system CAs (undefined: system CAs). */
  ca?: string;
  rejectUnauthorized: true;
  checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined;
}

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** SHA-256 fingerprints (`AA:BB:…`, as Node reports them) of every certificate in a PEM bundle. */
export function certificateFingerprints(pem: string): Set<string> {
  const fingerprints = new Set<string>();
  for (const block of pem.match(pemBlock) ?? []) {
    fingerprints.add(new X509Certificate(block).fingerprint256);
  }
  return fingerprints;
}

/** TLS options for connections to arrays; throws when `caPem` holds no readable certificate. */
export function arrayTlsOptions(caPem: string | undefined): ArrayTlsOptions {
  if (caPem === undefined) {
    return { rejectUnauthorized: true, checkServerIdentity };
  }
  const pinned = certificateFingerprints(caPem);
  if (pinned.size === 0) {
    throw new Error('the CA file holds no PEM certificate');
  }
  return {
    ca: caPem,
    rejectUnauthorized: true,
    checkServerIdentity: (host, cert) => {
      const mismatch = checkServerIdentity(host, cert);
      return mismatch && !pinned.has(cert.fingerprint256) ? mismatch : undefined;
    },
  };
}
