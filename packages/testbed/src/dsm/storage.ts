// SYNO.Core.Storage.Volume (list, get) and SYNO.Core.System (info). Byte counts of volumes are
// strings, as DSM sends them; model ceilings come from `info type=define`.
import { codes, DsmError } from './codes.js';
import type { ApiHandlers, HandlerContext } from './context.js';
import type { StorageVolume } from './state.js';

export interface SystemIdentity {
  serial: string;
  hostname: string;
  firmware: string;
}

async function volumeView(ctx: HandlerContext, volume: StorageVolume): Promise<Record<string, unknown>> {
  const free = await ctx.state.freeBytes(volume.path);
  const index = volume.path.replace(/\D/g, '');
  return {
    display_name: `Volume ${index}`,
    volume_path: volume.path,
    id: `volume_${index}`,
    status: volume.status,
    fs_type: volume.fsType,
    container: 'internal',
    location: 'internal',
    size_total_byte: String(volume.totalBytes),
    size_free_byte: String(free),
    readonly: volume.status === 'read_only',
  };
}

export const volumeHandlers: ApiHandlers = {
  list: async (ctx) => {
    const volumes = [];
    for (const volume of ctx.state.volumes.values()) {
      volumes.push(await volumeView(ctx, volume));
    }
    return { volumes, total: volumes.length, offset: 0 };
  },
  get: async (ctx) => {
    const path = ctx.params.string('volume_path', { required: true, missing: codes.missingApiMethodVersion });
    const volume = ctx.state.volumes.get(path);
    if (!volume) {
      throw new DsmError(codes.noSuchVolume, path);
    }
    return { volume: await volumeView(ctx, volume) };
  },
};

export function systemHandlers(identity: SystemIdentity): ApiHandlers {
  return {
    info: async (ctx) => {
      const type = ctx.params.string('type');
      const model = ctx.state.model;
      if (type === 'network') {
        return { hostname: identity.hostname, dns_primary: '', gateway: '', workgroup: 'WORKGROUP' };
      }
      if (type === 'define') {
        return {
          max_iscsiluns: String(model.maxLuns),
          max_iscsitrgs: String(model.maxTargets),
          max_snapshot_per_lun: String(model.maxSnapshotsPerLun),
          max_snapshot_per_lun_v2: String(model.maxSnapshotsPerLun),
          support_iscsi_target: 'yes',
          supportsnapshot: model.btrfs ? 'yes' : 'no',
        };
      }
      if (type !== undefined && type !== 'firmware') {
        throw new DsmError(codes.badParam, `unknown info type ${type}`);
      }
      return { model: model.model, serial: identity.serial, firmware_ver: identity.firmware, sys_temp: 40 };
    },
  };
}
