// The DSM calls this CSP makes, one method each, with DSM's parameter names. Lookups that DSM
// answers with "no such object" return undefined; every other failure is thrown.
import type { DsmClient } from './client.js';
import { DsmApiError } from './errors.js';
import type {
  DsmDefines,
  DsmHost,
  DsmLun,
  DsmPermission,
  DsmSnapshot,
  DsmSystemInfo,
  DsmTarget,
  DsmVolume,
} from './types.js';

const LUN = 'SYNO.Core.ISCSI.LUN';
const TARGET = 'SYNO.Core.ISCSI.Target';
/** DSM 7 host objects. `list`, `get` and `map_initiator` are seen working against DSM 7 in public scripts. */
export const HOST = 'SYNO.Core.ISCSI.Host';

/** DSM codes meaning "that LUN / snapshot / object does not exist". */
const missingCodes = new Set([18990004, 18990505, 18990531, 18990532, 117]);

async function orUndefined<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof DsmApiError && missingCodes.has(err.code)) {
      return undefined;
    }
    throw err;
  }
}

export const lunFields = ['is_action_locked', 'is_mapped', 'status', 'allocated_size', 'family_config'];

export interface LunCreateSpec {
  name: string;
  size: number;
  type: string;
  location: string;
  description: string;
  devAttribs: { dev_attrib: string; enable: number }[];
}

export interface TargetAuth {
  auth_type: 0 | 1 | 2;
  user: string;
  password: string;
  mutual_user: string;
  mutual_password: string;
}

export class DsmApi {
  readonly client: DsmClient;

  constructor(client: DsmClient) {
    this.client = client;
  }

  systemInfo(): Promise<DsmSystemInfo> {
    return this.client.call<DsmSystemInfo>('SYNO.Core.System', 'info');
  }
  async hostname(): Promise<string> {
    const data = await this.client.call<{ hostname?: string }>('SYNO.Core.System', 'info', { type: 'network' });
    return data.hostname ?? '';
  }
  defines(): Promise<DsmDefines> {
    return this.client.call<DsmDefines>('SYNO.Core.System', 'info', { type: 'define' });
  }

  async volumes(): Promise<DsmVolume[]> {
    const data = await this.client.call<{ volumes?: DsmVolume[] }>('SYNO.Core.Storage.Volume', 'list', {
      offset: 0,
      limit: -1,
      location: 'all',
    });
    return data.volumes ?? [];
  }
  async volume(path: string): Promise<DsmVolume | undefined> {
    const data = await orUndefined(
      this.client.call<{ volume?: DsmVolume }>('SYNO.Core.Storage.Volume', 'get', { volume_path: path }),
    );
    return data?.volume;
  }

  /** A LUN by uuid or by name (DSM resolves both in `uuid`). */
  async lun(uuidOrName: string, additional: string[] = lunFields): Promise<DsmLun | undefined> {
    const data = await orUndefined(this.client.call<{ lun?: DsmLun }>(LUN, 'get', { uuid: uuidOrName, additional }));
    return data?.lun;
  }
  async luns(additional: string[]): Promise<DsmLun[]> {
    const data = await this.client.call<{ luns?: DsmLun[] }>(LUN, 'list', { additional });
    return data.luns ?? [];
  }
  async createLun(spec: LunCreateSpec): Promise<string> {
    const data = await this.client.call<{ uuid: string }>(LUN, 'create', {
      name: spec.name,
      size: spec.size,
      type: spec.type,
      location: spec.location,
      description: spec.description,
      dev_attribs: spec.devAttribs,
    });
    return data.uuid;
  }
  async setLun(
    uuid: string,
    changes: { new_size?: number; description?: string; dev_attribs?: unknown[]; new_name?: string },
  ) {
    await this.client.call(LUN, 'set', { uuid, ...changes });
  }
  async deleteLun(uuid: string): Promise<void> {
    await this.client.call(LUN, 'delete', { uuid });
  }
  async cloneLun(source: string, name: string, location: string): Promise<string> {
    const data = await this.client.call<{ dst_lun_uuid: string }>(LUN, 'clone', {
      src_lun_uuid: source,
      dst_lun_name: name,
      dst_location: location,
    });
    return data.dst_lun_uuid;
  }
  async mapTarget(uuid: string, targetId: number): Promise<void> {
    await this.client.call(LUN, 'map_target', { uuid, target_ids: [String(targetId)] });
  }
  async unmapTarget(uuid: string, targetId: number): Promise<void> {
    await this.client.call(LUN, 'unmap_target', { uuid, target_ids: [String(targetId)] });
  }

  async takeSnapshot(lunUuid: string, name: string, description: string): Promise<string> {
    const data = await this.client.call<{ snapshot_uuid: string }>(LUN, 'take_snapshot', {
      src_lun_uuid: lunUuid,
      snapshot_name: name,
      description,
      taken_by: 'opencsp',
      is_locked: true,
      is_app_consistent: false,
    });
    return data.snapshot_uuid;
  }
  async snapshots(lunUuid: string): Promise<DsmSnapshot[]> {
    const data = await this.client.call<{ snapshots?: DsmSnapshot[] }>(LUN, 'list_snapshot', { src_lun_uuid: lunUuid });
    return data.snapshots ?? [];
  }
  async snapshot(uuid: string): Promise<DsmSnapshot | undefined> {
    const data = await orUndefined(
      this.client.call<{ snapshot?: DsmSnapshot }>(LUN, 'get_snapshot', { snapshot_uuid: uuid }),
    );
    return data?.snapshot;
  }
  async deleteSnapshot(uuid: string): Promise<void> {
    await this.client.call(LUN, 'delete_snapshot', { snapshot_uuid: uuid, deleted_by: 'opencsp' });
  }
  async cloneSnapshot(lunUuid: string, snapshotUuid: string, name: string): Promise<string> {
    const data = await this.client.call<{ cloned_lun_uuid: string }>(LUN, 'clone_snapshot', {
      src_lun_uuid: lunUuid,
      snapshot_uuid: snapshotUuid,
      cloned_lun_name: name,
    });
    return data.cloned_lun_uuid;
  }

  /**
   * A target by id or name; `target_id` always travels as a JSON string. DSM documents no "no such
   * target" code, so an unexpected iSCSI error is settled by one listing: absent there means absent.
   */
  async target(idOrName: string, additional: string[] = ['mapped_lun']): Promise<DsmTarget | undefined> {
    try {
      const data = await this.client.call<{ target?: DsmTarget }>(TARGET, 'get', { target_id: idOrName, additional });
      return data.target;
    } catch (err) {
      if (!(err instanceof DsmApiError) || err.code < 18990000) {
        throw err;
      }
      if (missingCodes.has(err.code)) {
        return undefined;
      }
      const listed = await this.client.call<{ targets?: DsmTarget[] }>(TARGET, 'list', {});
      const found = (listed.targets ?? []).some((t) => t.name === idOrName || String(t.target_id) === idOrName);
      if (found) {
        throw err;
      }
      return undefined;
    }
  }
  /** Every target with its mapped LUNs, in one call. */
  async targets(): Promise<DsmTarget[]> {
    const data = await this.client.call<{ targets?: DsmTarget[] }>(TARGET, 'list', { additional: ['mapped_lun'] });
    return data.targets ?? [];
  }
  async targetsOfLun(lunUuid: string): Promise<DsmTarget[]> {
    const data = await this.client.call<{ targets?: DsmTarget[] }>(TARGET, 'list', {
      lun_uuid: lunUuid,
      additional: ['mapped_lun'],
    });
    return data.targets ?? [];
  }
  async createTarget(spec: { name: string; iqn: string; max_sessions: number } & TargetAuth): Promise<number> {
    const data = await this.client.call<{ target_id: number }>(TARGET, 'create', { ...spec });
    return data.target_id;
  }
  async setTarget(id: number, changes: Record<string, string | number | boolean | unknown[]>): Promise<void> {
    await this.client.call(TARGET, 'set', { target_id: String(id), ...changes });
  }
  async deleteTarget(id: number): Promise<void> {
    await this.client.call(TARGET, 'delete', { target_id: String(id) });
  }

  /** Every host object (DSM's `get` takes an id only, so finding one by name needs the list). */
  async hosts(additional: string[] = []): Promise<DsmHost[]> {
    const data = await this.client.call<{ hosts?: DsmHost[] }>(HOST, 'list', { additional });
    return data.hosts ?? [];
  }
  async host(id: number, additional: string[] = ['acls']): Promise<DsmHost | undefined> {
    const data = await orUndefined(
      this.client.call<{ host?: DsmHost }>(HOST, 'get', { host_id: String(id), additional }),
    );
    return data?.host;
  }
  /**
   * Unverified: `create` is in DSM 7's method list for the Host API; that it takes `name` and
   * `initiator_ids` and answers `host_id` is this client's reading.
   */
  async createHost(name: string, initiators: string[]): Promise<number> {
    const data = await this.client.call<{ host_id: number | string }>(HOST, 'create', {
      name,
      initiator_ids: initiators,
    });
    return Number(data.host_id);
  }
  async deleteHost(id: number): Promise<void> {
    await this.client.call(HOST, 'delete', { host_id: String(id) });
  }
  async mapInitiators(id: number, initiators: string[]): Promise<void> {
    await this.client.call(HOST, 'map_initiator', { host_id: String(id), initiator_ids: initiators });
  }
  async unmapInitiators(id: number, initiators: string[]): Promise<void> {
    await this.client.call(HOST, 'unmap_initiator', { host_id: String(id), initiator_ids: initiators });
  }
  /**
   * Unverified: `lun_acl_masks_set` is in DSM 7's method list for the Host API; the `acls` shape
   * mirrors what `list`/`get` return (`[{lun_uuid, permission}]`). The CSP reads every change back.
   */
  async setLunPermissions(id: number, acls: { lun_uuid: string; permission: DsmPermission }[]): Promise<void> {
    await this.client.call(HOST, 'lun_acl_masks_set', { host_id: String(id), acls });
  }
}
