// core.* (ping, set_options, get_jobs, job_wait, bulk), system.version/info and pool.query.

import { randomUUID } from 'node:crypto';
import { queryArgs, queryParams, runQuery } from '../query/query.js';
import { RpcError, unexpectedException } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { arg, s } from '../rpc/schema.js';
import type { CallContext } from '../state/core.js';

/** Calls another method the way `core.bulk` does (set by the connection layer at start). */
export type InternalCall = (ctx: CallContext, method: string, params: unknown[]) => Promise<unknown>;

export function coreMethods(internalCall: InternalCall): MethodTable<CallContext> {
  return {
    'core.ping': { noAuth: true, args: [], handler: () => 'pong' },
    'core.set_options': {
      noAuth: true,
      args: [
        arg(
          'options',
          s.obj(
            { legacy_jobs: s.opt(s.bool()), private_methods: s.opt(s.bool()), py_exceptions: s.opt(s.bool()) },
            'ignore',
          ),
        ),
      ],
      handler: (ctx, [options]) => {
        const o = options as { legacy_jobs?: boolean };
        if (o.legacy_jobs !== undefined) {
          ctx.session.legacyJobs = o.legacy_jobs;
        }
        return { legacy_jobs: ctx.session.legacyJobs, private_methods: false, py_exceptions: false };
      },
    },
    // service/core_service.py: any event name may be subscribed to (core.get_jobs needs no role);
    // the answer is the subscription's ident, which core.unsubscribe takes back.
    'core.subscribe': {
      args: [arg('event', s.str())],
      handler: (ctx, [event]) => {
        const ident = randomUUID();
        ctx.session.subscriptions.set(ident, event as string);
        return ident;
      },
    },
    'core.unsubscribe': {
      args: [arg('id', s.str())],
      handler: (ctx, [id]) => {
        ctx.session.subscriptions.delete(id as string);
        return null;
      },
    },
    'core.get_jobs': {
      args: queryArgs,
      handler: (ctx, values) => {
        const { filters, options } = queryParams(values);
        return runQuery(ctx.sim.jobs.entries(), filters, options);
      },
    },
    'core.job_wait': {
      job: true,
      args: [arg('id', s.int())],
      handler: (ctx, [id]) => ctx.sim.jobs.wait(id as number),
    },
    'core.bulk': {
      job: true,
      args: [
        arg('method', s.str()),
        arg('params', s.list(s.list(s.any()))),
        arg('description', s.nullable(s.str()), null),
      ],
      handler: async (ctx, [method, params]) => {
        const results: Array<{ job_id: number | null; error: string | null; result: unknown }> = [];
        for (const p of params as unknown[][]) {
          try {
            results.push({ job_id: null, error: null, result: await internalCall(ctx, method as string, p) });
          } catch (err) {
            const rpc = err instanceof RpcError ? err : unexpectedException(String(err));
            results.push({ job_id: null, error: rpc.data?.reason ?? rpc.message, result: null });
          }
        }
        return results;
      },
    },
    'system.version': { args: [], handler: (ctx) => `TrueNAS-${ctx.sim.config.version}` },
    'system.ready': { args: [], handler: () => true },
    'system.info': {
      args: [],
      handler: (ctx) => {
        const uptime = (Date.now() - ctx.sim.bootTime) / 1000;
        return {
          version: `TrueNAS-${ctx.sim.config.version}`,
          buildtime: { $date: ctx.sim.bootTime },
          hostname: ctx.sim.config.hostname,
          physmem: 34_359_738_368,
          model: 'opencsp testbed simulator',
          cores: 2,
          physical_cores: 2,
          loadavg: [0.1, 0.1, 0.1],
          uptime: `${Math.floor(uptime)} seconds`,
          uptime_seconds: uptime,
          system_serial: 'SIM0000001',
          system_product: 'opencsp-truenas-sim',
          system_product_version: ctx.sim.config.version,
          license: null,
          boottime: { $date: ctx.sim.bootTime },
          datetime: { $date: Date.now() },
          timezone: 'UTC',
          system_manufacturer: 'opencsp',
          ecc_memory: false,
        };
      },
    },
    'pool.query': {
      args: queryArgs,
      handler: (ctx, values) => {
        const { filters, options } = queryParams(values);
        const rows = [...ctx.sim.zfs.pools.values()].map((pool, i) => {
          const free = ctx.sim.zfs.poolFree(pool.name);
          return {
            id: i + 1,
            name: pool.name,
            guid: pool.guid,
            status: 'ONLINE',
            path: `/mnt/${pool.name}`,
            healthy: true,
            warning: false,
            status_code: null,
            status_detail: null,
            size: pool.capacity,
            allocated: pool.capacity - free,
            free,
            freeing: 0,
            fragmentation: '0',
            size_str: String(pool.capacity),
            allocated_str: String(pool.capacity - free),
            free_str: String(free),
            freeing_str: '0',
            dedup_table_quota: 'auto',
            dedup_table_size: 0,
            autotrim: { parsed: 'off', rawvalue: 'off', value: 'OFF', source: 'DEFAULT', source_info: null },
            topology: { data: [], log: [], cache: [], spare: [], special: [], dedup: [] },
            scan: null,
            expand: null,
            is_upgraded: true,
          };
        });
        return runQuery(rows, filters, options);
      },
    },
  };
}
