// What a session learns about its NAS once, at login: identity (serial, model, firmware,
// hostname), the model's iSCSI ceilings, and the portals nodes should log in to.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { CspProblem } from '@opencsp/csp-spec/server';
import type { DsmApi } from './dsm/api.js';
import { toNumber } from './dsm/types.js';

export interface NasLimits {
  luns: number | undefined;
  targets: number | undefined;
  snapshotsPerLun: number | undefined;
}

export interface NasInfo {
  serial: string;
  model: string;
  firmware: string;
  hostname: string;
  limits: NasLimits;
  /** iSCSI portals (`ip` or `ip:port`) returned in publish answers. */
  portals: string[];
}

async function defaultPortal(baseUrl: string): Promise<string> {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    return host;
  }
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    return host;
  }
}

export async function loadNasInfo(api: DsmApi, baseUrl: string, portals: string[]): Promise<NasInfo> {
  const [system, hostname, defines] = await Promise.all([api.systemInfo(), api.hostname(), api.defines()]);
  if (typeof system.serial !== 'string' || !/^[A-Za-z0-9]+$/.test(system.serial)) {
    throw new CspProblem('UNAVAILABLE', 'DSM reported no usable serial number (SYNO.Core.System info)');
  }
  return {
    serial: system.serial,
    model: system.model ?? 'unknown model',
    firmware: system.firmware_ver ?? '',
    hostname,
    limits: {
      luns: toNumber(defines.max_iscsiluns),
      targets: toNumber(defines.max_iscsitrgs),
      snapshotsPerLun: toNumber(defines.max_snapshot_per_lun),
    },
    portals: portals.length > 0 ? portals : [await defaultPortal(baseUrl)],
  };
}
