// Every method the simulator serves, assembled from the per-area tables.
import { authMethods } from './core/auth-methods.js';
import { coreMethods } from './core/core-methods.js';
import { accessMethods } from './iscsi/access-methods.js';
import { extentMethods } from './iscsi/extent-methods.js';
import { targetMethods } from './iscsi/target-methods.js';
import { nvmetMethods } from './nvmet/index.js';
import { methodNotFound } from './rpc/errors.js';
import type { MethodTable } from './rpc/registry.js';
import { invoke } from './server/connection.js';
import type { CallContext } from './state/core.js';
import { datasetMethods } from './zfs/dataset-methods.js';
import { snapshotMethods } from './zfs/snapshot-methods.js';

export function allMethods(): MethodTable<CallContext> {
  const table: MethodTable<CallContext> = {};
  const internalCall = async (ctx: CallContext, method: string, params: unknown[]) => {
    const def = table[method];
    if (!def) {
      throw methodNotFound();
    }
    return invoke(ctx.sim, ctx.session, method, def, params);
  };
  Object.assign(
    table,
    authMethods,
    coreMethods(internalCall),
    datasetMethods,
    snapshotMethods,
    targetMethods,
    extentMethods,
    accessMethods,
    nvmetMethods,
  );
  return table;
}
