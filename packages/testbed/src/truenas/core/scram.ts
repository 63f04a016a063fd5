// SCRAM-SHA-512 API-key login (TrueNAS 26: `auth.login_ex` mechanism SCRAM, RFC 5802 with
// TrueNAS's changes). Facts from truenas/middleware stable/26 (api/v26_0_0/auth.py AuthSCRAM,
// plugins/auth_/login_ex_impl.py `login_ex_scram`, utils/crypto.py `generate_api_key_auth_data`)
// and the client side of truenas/api_client (scram_impl.py, py_scram/):
// - client-first `n,,n=<user>:<api key id>,r=<b64 nonce>`; `p=tls-server-end-point` asks for
//   channel binding (RFC 5929), honoured only over TLS;
// - the key's salt (16 bytes) and iteration count (500,000) come from the stored key; the server
//   nonce is 32 bytes appended to the client's, base64 of the concatenation;
// - SaltedPassword = PBKDF2-HMAC-SHA512(key material after `<id>-`, salt, i), ClientKey =
//   HMAC(SaltedPassword, "Client Key"), StoredKey = SHA512(ClientKey), ServerKey =
//   HMAC(SaltedPassword, "Server Key"); the server proves itself with v=HMAC(ServerKey, AuthMessage).
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { ApiKey } from '../state/core.js';

export interface ScramKeyData {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** A login between the client-first and client-final messages. */
export interface ScramExchange {
  key: ApiKey;
  gs2Header: string;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
}

const hmac = (key: Buffer, text: string) => createHmac('sha512', key).update(text).digest();

/** The SCRAM material stored for an API key (computed once per key, as api_key.create does). */
export function scramKeyData(rawKey: string, iterations: number): ScramKeyData {
  const salt = randomBytes(16);
  const secret = rawKey.slice(rawKey.indexOf('-') + 1);
  const salted = pbkdf2Sync(secret, salt, iterations, 64, 'sha512');
  const clientKey = hmac(salted, 'Client Key');
  return {
    salt,
    iterations,
    storedKey: createHash('sha512').update(clientKey).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

/** RFC 5929 tls-server-end-point of a certificate signed with SHA-256 (the simulator's own). */
export function tlsServerEndPoint(certPem: string): Buffer {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest();
}

function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      out.set(part.slice(0, eq), part.slice(eq + 1));
    }
  }
  return out;
}

/** Parses a client-first message; undefined when it is malformed. */
export function parseClientFirst(
  rfc: string,
): { gs2Header: string; bare: string; username: string; keyId: number; nonce: string } | undefined {
  const m = /^(n|y|p=[A-Za-z0-9.-]+),[^,]*,(.*)$/.exec(rfc);
  if (!m) {
    return undefined;
  }
  const bare = m[2] as string;
  const attrs = attributes(bare);
  const name = attrs.get('n');
  const nonce = attrs.get('r');
  const sep = name?.lastIndexOf(':') ?? -1;
  if (!name || !nonce || sep < 1 || !/^\d+$/.test(name.slice(sep + 1))) {
    return undefined;
  }
  return { gs2Header: m[1] as string, bare, username: name.slice(0, sep), keyId: Number(name.slice(sep + 1)), nonce };
}

/** The server-first message for a parsed client-first message. */
export function serverFirst(clientNonce: string, data: ScramKeyData): { text: string; nonce: string } {
  const nonce = Buffer.concat([Buffer.from(clientNonce, 'base64'), randomBytes(32)]).toString('base64');
  return { text: `r=${nonce},s=${data.salt.toString('base64')},i=${data.iterations}`, nonce };
}

/**
 * Verifies a client-final message; returns the server signature (`v=` value) or undefined when the
 * proof, nonce or channel binding is wrong. `binding` is the tls-server-end-point data of the
 * connection (undefined without TLS, where `p=` cannot be honoured).
 */
export function verifyClientFinal(
  exchange: ScramExchange,
  data: ScramKeyData,
  rfc: string,
  binding: Buffer | undefined,
): string | undefined {
  const cut = rfc.lastIndexOf(',p=');
  if (cut < 0) {
    return undefined;
  }
  const withoutProof = rfc.slice(0, cut);
  const attrs = attributes(withoutProof);
  if (attrs.get('r') !== exchange.nonce) {
    return undefined;
  }
  const wantsBinding = exchange.gs2Header.startsWith('p=');
  if (wantsBinding && !binding) {
    return undefined;
  }
  const cbind = Buffer.concat([
    Buffer.from(`${exchange.gs2Header},,`),
    wantsBinding ? (binding as Buffer) : Buffer.alloc(0),
  ]);
  if (attrs.get('c') !== cbind.toString('base64')) {
    return undefined;
  }
  const proof = Buffer.from(rfc.slice(cut + 3), 'base64');
  const authMessage = `${exchange.clientFirstBare},${exchange.serverFirst},${withoutProof}`;
  const signature = hmac(data.storedKey, authMessage);
  if (proof.length !== signature.length) {
    return undefined;
  }
  const clientKey = Buffer.from(proof.map((b, i) => b ^ (signature[i] as number)));
  const stored = createHash('sha512').update(clientKey).digest();
  if (!timingSafeEqual(stored, data.storedKey)) {
    return undefined;
  }
  return hmac(data.serverKey, authMessage).toString('base64');
}
