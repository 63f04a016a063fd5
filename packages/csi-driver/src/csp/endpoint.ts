// Where and how to reach the CSP for a set of StorageClass secrets (DESIGN.md "Driver"):
// - service mode (secret has `serviceName`): https://<serviceName>:<servicePort|8080>/containers/v1
//   (http:// only when the driver runs with --csp-plain-http), `array_ip=<backend>` at login and
//   `x-array-ip: <backend>` on every call;
// - direct mode: https://<backend>:<servicePort|443><path|/csp>/containers/v1.
// HTTPS is verified against --csp-ca-file (or the system CAs) unless --csp-tls-insecure.
import { createHash } from 'node:crypto';
import { secretKeys } from '../constants.js';
import { invalidArgument } from '../errors.js';

export interface CspEndpoint {
  baseUrl: string;
  backend: string;
  username: string;
  password: string;
  serviceMode: boolean;
  /** Identity of the session: sha256 of endpoint, backend, user and password. */
  key: string;
  /** The same without the password: a changed password replaces the session. */
  slot: string;
}

const hostPattern = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const ipv6Pattern = /^[0-9A-Fa-f:]+$/;

function host(value: string, field: string): string {
  if (ipv6Pattern.test(value) && value.includes(':')) {
    return `[${value}]`;
  }
  if (!hostPattern.test(value) || value.length > 253) {
    throw invalidArgument(`${field}: ${JSON.stringify(value)} is not a host name or IP address`);
  }
  return value;
}

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') {
    return fallback;
  }
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
    throw invalidArgument(`secrets.${secretKeys.servicePort}: ${JSON.stringify(value)} is not a port number`);
  }
  return n;
}

/**
 * Hashes of recent identities: every RPC with secrets needs its endpoint twice (validation, then
 * the session lookup) and nearly always for the same few secrets, so each is hashed once, not
 * twice per RPC. Bounded: emptied when it holds more than `maxHashes`.
 */
const hashes = new Map<string, string>();
const maxHashes = 64;

function sha256(...parts: string[]): string {
  const identity = parts.join('\0');
  let hash = hashes.get(identity);
  if (hash === undefined) {
    if (hashes.size >= maxHashes) {
      hashes.clear();
    }
    hash = createHash('sha256').update(identity).digest('hex');
    hashes.set(identity, hash);
  }
  return hash;
}

export interface EndpointOptions {
  /** Service mode over plain HTTP (the driver's --csp-plain-http). */
  plainHttp?: boolean;
}

export function endpointFromSecrets(secrets: Record<string, string>, options: EndpointOptions = {}): CspEndpoint {
  const backend = secrets[secretKeys.backend] ?? '';
  const username = secrets[secretKeys.username] ?? '';
  const password = secrets[secretKeys.password] ?? '';
  for (const [field, value] of [
    [secretKeys.backend, backend],
    [secretKeys.username, username],
    [secretKeys.password, password],
  ] as const) {
    if (value === '') {
      throw invalidArgument(
        `secrets.${field}: is required (set it in the Secret the StorageClass names with csi.storage.k8s.io/*-secret-name)`,
      );
    }
  }
  const serviceName = secrets[secretKeys.serviceName];
  let baseUrl: string;
  if (serviceName) {
    const hostName = host(serviceName, `secrets.${secretKeys.serviceName}`);
    const scheme = options.plainHttp ? 'http' : 'https';
    baseUrl = `${scheme}://${hostName}:${port(secrets[secretKeys.servicePort], 8080)}/containers/v1`;
  } else {
    const path = secrets[secretKeys.path] ?? '/csp';
    if (!/^(\/[A-Za-z0-9._~-]+)*\/?$/.test(path)) {
      throw invalidArgument(`secrets.${secretKeys.path}: ${JSON.stringify(path)} must be a URL path such as /csp`);
    }
    const hostName = host(backend, `secrets.${secretKeys.backend}`);
    baseUrl = `https://${hostName}:${port(secrets[secretKeys.servicePort], 443)}${path.replace(/\/$/, '')}/containers/v1`;
  }
  return {
    baseUrl,
    backend,
    username,
    password,
    serviceMode: Boolean(serviceName),
    key: sha256(baseUrl, backend, username, password),
    slot: sha256(baseUrl, backend, username),
  };
}
