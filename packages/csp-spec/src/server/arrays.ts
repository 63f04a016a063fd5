// Which arrays a CSP may contact, and how. `POST /tokens` is unauthenticated (as in HPE's
// contract), so the array a login names is untrusted input: without a check, anyone who can reach
// the CSP could make it connect anywhere and read the network from its errors. A CSP contacts only
// the arrays its operator configured, matched as exact `host[:port]` strings before any DNS lookup
// or connection, and every address that is not allowed gets the same answer, whatever the reason.
// Plain (unencrypted) transport is used only for arrays the operator lists for it by name.
import { isIPv4, isIPv6 } from 'node:net';
import { CspProblem } from './errors.js';

export interface ArrayAddress {
  /** Lower-case DNS name, IPv4 address, or IPv6 address in brackets. */
  host: string;
  port: number | undefined;
  /** `host` or `host:port`: the exact form allowlists hold and match. */
  key: string;
}

export interface ArrayTarget extends ArrayAddress {
  /** The operator allowed plain (unencrypted) transport to this array. */
  plaintext: boolean;
}

/** URL schemes a CSP accepts in front of an address (Synology's `https://nas:5001`). */
export interface ArraySchemes {
  secure: string;
  plain: string;
}

export interface ArrayPolicySettings {
  /** The array used when a login names none (`host[:port]`, or a URL when `schemes` is set). */
  defaultArray: string | undefined;
  /** More arrays a login may name. */
  allowed: readonly string[];
  /** Arrays (each allowed or the default) contacted without TLS. */
  plaintext: readonly string[];
  /** The names of these three settings as the operator sees them, for messages. */
  names: { defaultArray: string; allowed: string; plaintext: string };
  /** When set, an address may carry one of these schemes, which must match the plaintext list. */
  schemes?: ArraySchemes;
  /** The request field that names the array (default `body.array_ip`). */
  field?: string;
}

const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const dnsName = new RegExp(`^${label}(?:\\.${label})*$`);
const hostPort = /^(\[[^\]]*\]|[^:[\]]+)(?::([0-9]{1,5}))?$/;

function parseHost(raw: string): string | undefined {
  const host = raw.toLowerCase();
  if (host.startsWith('[')) {
    const inner = host.slice(1, -1);
    return isIPv6(inner) && !inner.includes('%') ? host : undefined;
  }
  if (host.length > 253 || !dnsName.test(host)) {
    return undefined;
  }
  // A name whose last label is a number is an IPv4 address to every resolver: only a valid one.
  const last = host.slice(host.lastIndexOf('.') + 1);
  if (/^(?:\d+|0x[0-9a-f]*)$/.test(last) && !isIPv4(host)) {
    return undefined;
  }
  return host;
}

/** Parses `host` or `host:port` (IPv6 in brackets, port 1–65535); undefined when malformed. */
export function parseArrayAddress(text: string): ArrayAddress | undefined {
  const match = hostPort.exec(text);
  if (!match) {
    return undefined;
  }
  const host = parseHost(match[1] as string);
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (host === undefined || (port !== undefined && (port < 1 || port > 65535))) {
    return undefined;
  }
  return { host, port, key: port === undefined ? host : `${host}:${port}` };
}

/** An address with an optional `scheme://` prefix and trailing `/`; scheme undefined when absent. */
function parseWithScheme(
  text: string,
  schemes: ArraySchemes | undefined,
): { address: ArrayAddress; scheme: 'secure' | 'plain' | undefined } | undefined {
  let rest = text;
  let scheme: 'secure' | 'plain' | undefined;
  const prefix = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (prefix) {
    const name = (prefix[1] as string).toLowerCase();
    if (!schemes || (name !== schemes.secure && name !== schemes.plain)) {
      return undefined;
    }
    scheme = name === schemes.secure ? 'secure' : 'plain';
    rest = rest.slice(prefix[0].length).replace(/\/$/, '');
  }
  const address = parseArrayAddress(rest);
  return address ? { address, scheme } : undefined;
}

const addressForm = 'host or host:port (a DNS name, an IPv4 address or an [IPv6] address; port 1-65535)';

/** The arrays one CSP may contact. Build it with `ArrayPolicy.create`, which reports bad settings. */
export class ArrayPolicy {
  readonly #settings: ArrayPolicySettings;
  readonly #default: ArrayTarget | undefined;
  readonly #allowed = new Map<string, ArrayTarget>();
  readonly #refusal: string;

  private constructor(settings: ArrayPolicySettings, problems: string[]) {
    this.#settings = settings;
    const { names, schemes } = settings;
    const plaintext = new Set<string>();
    for (const entry of settings.plaintext) {
      const parsed = parseArrayAddress(entry);
      if (!parsed) {
        problems.push(`${names.plaintext}: "${entry}" is not ${addressForm}`);
      } else {
        plaintext.add(parsed.key);
      }
    }
    if (settings.defaultArray !== undefined) {
      const parsed = parseWithScheme(settings.defaultArray, schemes);
      if (!parsed) {
        problems.push(
          `${names.defaultArray}: "${settings.defaultArray}" is not ${schemes ? 'a URL or ' : ''}${addressForm}`,
        );
      } else {
        const isPlain = plaintext.has(parsed.address.key);
        if (parsed.scheme === 'plain' && !isPlain) {
          problems.push(
            `${names.defaultArray}: ${schemes?.plain}:// sends credentials unencrypted; list ${parsed.address.key} in ${names.plaintext} to allow that, or use ${schemes?.secure}://`,
          );
        } else if (parsed.scheme === 'secure' && isPlain) {
          problems.push(
            `${names.defaultArray} uses ${schemes?.secure}:// but ${names.plaintext} lists ${parsed.address.key}; choose one`,
          );
        } else {
          this.#default = { ...parsed.address, plaintext: isPlain };
          this.#allowed.set(parsed.address.key, this.#default);
        }
      }
    }
    for (const entry of settings.allowed) {
      const parsed = parseArrayAddress(entry);
      if (!parsed) {
        problems.push(`${names.allowed}: "${entry}" is not ${addressForm}`);
      } else {
        this.#allowed.set(parsed.key, { ...parsed, plaintext: plaintext.has(parsed.key) });
      }
    }
    for (const key of plaintext) {
      if (!this.#allowed.has(key)) {
        problems.push(`${names.plaintext}: ${key} is neither ${names.defaultArray} nor in ${names.allowed}`);
      }
    }
    this.#refusal =
      `${this.#field}: not an array this CSP may contact; its operator allows arrays by exact host[:port] ` +
      `with ${names.defaultArray} and ${names.allowed}, and unencrypted transport only to arrays in ${names.plaintext}`;
  }

  /** The policy and every problem with its settings (empty when they are sound). */
  static create(settings: ArrayPolicySettings): { policy: ArrayPolicy; problems: string[] } {
    const problems: string[] = [];
    const policy = new ArrayPolicy(settings, problems);
    return { policy, problems };
  }

  get #field(): string {
    return this.#settings.field ?? 'body.array_ip';
  }

  /** The configured default array, if any. */
  get defaultArray(): ArrayTarget | undefined {
    return this.#default;
  }

  /** Every array this CSP may contact. */
  get arrays(): ArrayTarget[] {
    return [...this.#allowed.values()];
  }

  /**
   * The array a login may contact: the default when `arrayIp` is empty, else the allowed array it
   * names exactly. Throws INVALID_INPUT naming the field: one message for every address that is
   * well-formed but not allowed (nothing about the network is looked up or revealed).
   */
  resolve(arrayIp: string | undefined): ArrayTarget {
    const { names, schemes } = this.#settings;
    if (arrayIp === undefined || arrayIp === '') {
      if (!this.#default) {
        throw new CspProblem(
          'INVALID_INPUT',
          `${this.#field}: this CSP has no default array (${names.defaultArray}); name one in array_ip`,
          { field: this.#field },
        );
      }
      return this.#default;
    }
    const parsed = parseWithScheme(arrayIp, schemes);
    if (!parsed) {
      const form = schemes ? `${addressForm}, optionally as ${schemes.secure}://host[:port]` : addressForm;
      throw new CspProblem('INVALID_INPUT', `${this.#field}: must be ${form}`, { field: this.#field });
    }
    const target = this.#allowed.get(parsed.address.key);
    const schemeMatches = parsed.scheme === undefined || (parsed.scheme === 'plain') === (target?.plaintext ?? false);
    if (!target || !schemeMatches) {
      throw new CspProblem('INVALID_INPUT', this.#refusal, { field: this.#field });
    }
    return target;
  }
}
