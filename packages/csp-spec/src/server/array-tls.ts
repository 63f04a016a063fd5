// How a CSP trusts an array's TLS certificate. There is no switch to turn verification off: a
// connection is used only when the certificate chains to the operator's CA file (or the system
// CAs) and carries the array's name, or when it is exactly a certificate the CA file holds.
//
// The second rule is for NAS appliances, which often serve a self-signed certificate, or one whose
// names do not match the address the cluster uses (DSM's default certificate is issued to
// "synology"). Presenting a certificate proves possession of its private key, so accepting the
// exact certificate the operator put in the file lets nothing else through. OpenSSL alone cannot
// express this (and keeps only one of several self-signed certificates with the same subject), so
// the handshake runs with `rejectUnauthorized: false` and `check` decides, on the finished
// handshake, before the connection carries a single byte of the CSP's own.
//
// The TLS context (the CA store chains are built with) is made once per ArrayTrust: given `ca`,
// tls.connect would parse the CA file into a new context for every connection.
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** SHA-256 fingerprints (`AA:BB:…`, as Node reports them) of every certificate in a PEM bundle. */
export function certificateFingerprints(pem: string): Set<string> {
  return new Set((pem.match(pemBlock) ?? []).map((block) => new X509Certificate(block).fingerprint256));
}

/** A TLS failure with the code Node uses for it (`DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`…). */
export class UntrustedCertificate extends Error {
  override readonly name = 'UntrustedCertificate';
  readonly code: string;
  constructor(code: string) {
    super(`the array's TLS certificate is not trusted (${code})`);
    this.code = code;
  }
}

export class ArrayTrust {
  /**
   * Options for `tls.connect`: a TLS context holding the CA certificates chains are built with
   * (the system CAs without a CA file), shared by every connection. The handshake itself accepts
   * any certificate; a connection must pass `check` before it is used.
   */
  readonly tlsOptions: { secureContext: SecureContext; rejectUnauthorized: false };
  readonly #pinned: Set<string>;

  /** `caPem`: the operator's CA file (undefined: the system CAs). Throws when it holds no certificate. */
  constructor(caPem: string | undefined) {
    const certificates = caPem === undefined ? undefined : (caPem.match(pemBlock) ?? []);
    if (certificates?.length === 0) {
      throw new Error('the CA file holds no PEM certificate');
    }
    this.#pinned = caPem === undefined ? new Set() : certificateFingerprints(caPem);
    this.tlsOptions = {
      secureContext: createSecureContext(certificates ? { ca: certificates } : {}),
      rejectUnauthorized: false,
    };
  }

  /** Undefined when the finished handshake may be used; else why not. */
  check(socket: TLSSocket): UntrustedCertificate | undefined {
    if (socket.authorized) {
      return undefined;
    }
    const fingerprint = socket.getPeerCertificate()?.fingerprint256;
    if (fingerprint && this.#pinned.has(fingerprint)) {
      return undefined;
    }
    return new UntrustedCertificate(String(socket.authorizationError ?? 'no certificate'));
  }
}
