// The pool.dataset.* method table.
import type { MethodTable } from '../rpc/registry.js';
import { arg, s } from '../rpc/schema.js';
import type { CallContext } from '../state/core.js';
import { createDataset } from './dataset-create.js';
import { deleteDataset, updateDataset } from './dataset-modify.js';
import { datasetQueryMethods } from './dataset-query.js';
import { deleteOptionsSchema } from './dataset-schema.js';

export const datasetMethods: MethodTable<CallContext> = {
  ...datasetQueryMethods,
  'pool.dataset.create': {
    args: [arg('data', s.any())],
    handler: (ctx, [data]) => createDataset(ctx.sim, data),
  },
  'pool.dataset.update': {
    args: [arg('id', s.str()), arg('data', s.any())],
    handler: (ctx, [id, data]) => updateDataset(ctx.sim, id as string, data),
  },
  'pool.dataset.delete': {
    args: [arg('id', s.str()), arg('options', deleteOptionsSchema, {})],
    handler: (ctx, [id, options]) => deleteDataset(ctx.sim, id as string, options as { recursive: boolean }),
  },
};
