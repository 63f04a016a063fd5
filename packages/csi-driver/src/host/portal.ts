// Portal strings (iSCSI portals, NVMe/TCP ports): `ip`, `ip:port`, `[v6]`, `[v6]:port`, or a bare
// IPv6 address. Normalised to the `host:port` / `[v6]:port` form iscsiadm prints and udev uses in
// by-path names.
import { isIP } from 'node:net';

export const defaultIscsiPort = 3260;

export interface Portal {
  readonly host: string;
  readonly port: number;
}

/** Parses a portal (`defaultPort` when none is given); returns undefined when it is not one. */
export function parsePortal(text: string, defaultPort = defaultIscsiPort): Portal | undefined {
  const s = text.trim();
  let host: string;
  let port = defaultPort;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) {
    host = bracket[1] ?? '';
    port = bracket[2] ? Number(bracket[2]) : port;
    if (isIP(host) !== 6) {
      return undefined;
    }
  } else if (isIP(s) === 6) {
    host = s;
  } else {
    const m = /^([^:\s]+)(?::(\d+))?$/.exec(s);
    if (!m) {
      return undefined;
    }
    host = m[1] ?? '';
    port = m[2] ? Number(m[2]) : port;
    if (!/^[A-Za-z0-9.-]+$/.test(host)) {
      return undefined;
    }
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return undefined;
  }
  return { host, port };
}

export function formatPortal(portal: Portal): string {
  return isIP(portal.host) === 6 ? `[${portal.host}]:${portal.port}` : `${portal.host}:${portal.port}`;
}

/** Portal text with the ",tpgt" suffix iscsiadm adds stripped. */
export function stripTpgt(text: string): string {
  return text.replace(/,\d+$/, '');
}
