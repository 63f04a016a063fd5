// Hosts of the memory reference CSP: what it keeps (CHAP and DH-CHAP secrets), what it shows
// (never a secret, only whether DH-CHAP is set) and the NVMe/TCP attachment it answers.
import type { Host, PublishInfo, Volume } from '../types.js';

export interface StoredHost extends Host {
  chap_password?: string;
  dhchapKey?: string;
  dhchapCtrlKey?: string;
}

/** What a host looks like from outside: no secret, only whether DH-CHAP is set. */
export function shownHost({ chap_password: _secret, dhchapKey, dhchapCtrlKey: _ctrl, ...host }: StoredHost): Host {
  return dhchapKey ? { ...host, dhchap: true } : host;
}

/** The NVMe/TCP publish answer for a volume created with a namespace UUID. */
export function nvmeInfo(volume: Volume, namespaceUuid: string, host: StoredHost): PublishInfo {
  return {
    serial_number: volume.serial_number as string,
    access_protocol: 'nvmetcp',
    lun_id: 1,
    target_names: [`nqn.2005-10.org.memory:${volume.name}`],
    discovery_ips: ['127.0.0.1', '127.0.0.2:4421'],
    target_scope: 'volume',
    namespace_uuid: namespaceUuid,
    dhchap: host.dhchapCtrlKey ? 'bidirectional' : host.dhchapKey ? 'host' : 'none',
  };
}
