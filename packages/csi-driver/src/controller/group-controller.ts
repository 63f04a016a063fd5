// The GroupController service (CSI VolumeGroupSnapshot): registered beside the Controller in
// controller modes; GetPluginCapabilities advertises GROUP_CONTROLLER_SERVICE only while the CSPs
// take crash-consistent group snapshots (identity.ts groupSnapshotsOffered), and
// GroupControllerGetCapabilities lists CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT under the same rule.
import type { GroupControllerHandlers } from '../csi-types.js';
import { unary, type WrapContext } from '../grpc/wrapper.js';
import { groupSnapshotsOffered } from '../identity.js';
import type { ControllerContext } from './context.js';
import {
  createGroupSnapshot,
  deleteGroupSnapshot,
  getGroupSnapshot,
  validateCreateGroupSnapshot,
  validateDeleteGroupSnapshot,
  validateGetGroupSnapshot,
} from './group-snapshots.js';

const groupSnapshotKey = (id: string) => [`group-snapshot:${id}`];

export function groupControllerService(ctx: ControllerContext, wrap: WrapContext): GroupControllerHandlers {
  return {
    GroupControllerGetCapabilities: unary(
      'GroupControllerGetCapabilities',
      {
        handle: async () => ({
          capabilities: (await groupSnapshotsOffered(ctx.sessions, ctx.groupSnapshots === true, ctx.logger))
            ? [{ rpc: { type: 'CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT' as const } }]
            : [],
        }),
        quiet: true,
      },
      wrap,
    ),
    CreateVolumeGroupSnapshot: unary(
      'CreateVolumeGroupSnapshot',
      {
        validate: validateCreateGroupSnapshot,
        keys: (req) => [`group-snapshot-name:${req.name}`],
        handle: (req) => createGroupSnapshot(ctx, req),
      },
      wrap,
    ),
    DeleteVolumeGroupSnapshot: unary(
      'DeleteVolumeGroupSnapshot',
      {
        validate: validateDeleteGroupSnapshot,
        keys: (req) => groupSnapshotKey(req.groupSnapshotId),
        handle: (req) => deleteGroupSnapshot(ctx, req),
      },
      wrap,
    ),
    GetVolumeGroupSnapshot: unary(
      'GetVolumeGroupSnapshot',
      { validate: validateGetGroupSnapshot, handle: (req) => getGroupSnapshot(ctx, req) },
      wrap,
    ),
  };
}
