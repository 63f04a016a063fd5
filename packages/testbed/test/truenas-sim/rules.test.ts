// JSON-RPC transport rules, events and query options as the middleware applies them (same on
// TS-25.10.6 and stable/26): api/base/server/ws_handler/rpc.py (validate_message, notifications),
// utils/limits.py (parse_message: sizes, batches), api/base/model.py (str_max_length=1024),
// service/core_service.py + job.py (core.subscribe, core.get_jobs events), api/v25_10_5/common.py
// and utils/filter_list.py (query options and filters).
import { describe, expect, it } from 'vitest';
import { connect, createZvol, simWithClient, startSim } from './fixture.js';
import type { RawRpc } from './rpc-client.js';

interface JobUpdate {
  msg: string;
  collection: string;
  id: number;
  fields: { state: string; message_ids: unknown[]; result?: unknown; exc_info?: unknown };
}

/** The `collection_update` notifications a client received, in order. */
function updates(rpc: RawRpc): JobUpdate[] {
  return rpc.received
    .filter((m) => (m as { method?: string }).method === 'collection_update')
    .map((m) => (m as unknown as { params: JobUpdate }).params);
}

describe('truenas-sim transport rules', () => {
  it('answers malformed requests with their id, and notifications not at all', async () => {
    const { rpc } = await simWithClient();
    expect(await rpc.sendRaw(JSON.stringify({ jsonrpc: '2.0', id: 'x1', params: [] }))).toEqual({
      jsonrpc: '2.0',
      id: 'x1',
      error: { code: -32600, message: "Missing 'method' member" },
    });
    expect(await rpc.sendRaw(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'core.ping', params: {} }))).toEqual({
      jsonrpc: '2.0',
      id: 4,
      error: { code: -32600, message: "'params' member must be of type array" },
    });
    expect(await rpc.sendRaw(JSON.stringify([{ jsonrpc: '2.0', id: 5, method: 'core.ping' }]))).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Batch messages are not supported at this time' },
    });
    // No id: a malformed notification, an unknown method and a call all stay unanswered; the next
    // answer on the wire is the ping's.
    rpc.ws.send(JSON.stringify({ jsonrpc: '1.0', method: 'core.ping' }));
    rpc.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'no.such.method' }));
    rpc.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'core.ping' }));
    const before = rpc.received.length;
    expect(await rpc.call('core.ping')).toBe('pong');
    expect(rpc.received.slice(before)).toHaveLength(1);
  });

  it('closes the connection on messages over 8 KiB before login and 64 KiB after', async () => {
    const sim = await startSim();
    const anonymous = await connect(sim, false);
    anonymous.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'core.ping', params: ['x'.repeat(8200)] }));
    expect(await anonymous.closed()).toEqual({ code: 1007, reason: 'Anonymous connection max message length is 8 kB' });
    const rpc = await connect(sim);
    expect((await rpc.fail('core.ping', ['x'.repeat(9000)])).code).toBe(-32602);
    rpc.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'core.ping', params: ['x'.repeat(66_000)] }));
    expect(await rpc.closed()).toEqual({ code: 1009, reason: 'Max message length is 64 kB' });
  });

  it('refuses strings over 1,024 characters where the model sets no other limit', async () => {
    const { rpc } = await simWithClient();
    const error = await rpc.fail('pool.dataset.get_instance', [`tank/${'a'.repeat(1030)}`]);
    expect(error.data?.extra).toEqual([['id', 'String should have at most 1024 characters', 22]]);
  });
});

describe('truenas-sim events', () => {
  it('sends core.get_jobs collection_update events to subscribers, with the request id in message_ids', async () => {
    const { sim, rpc } = await simWithClient();
    const other = await connect(sim);
    const ident = await rpc.call<string>('core.subscribe', ['core.get_jobs']);
    expect(ident).toMatch(/^[0-9a-f-]{36}$/);
    await rpc.call('core.set_options', [{ legacy_jobs: false }]);
    const answer = await rpc.request('core.bulk', ['core.ping', [[]]]);
    expect(answer.result).toEqual([{ job_id: null, error: null, result: 'pong' }]);
    const params = updates(rpc);
    expect(params.map((p) => [p.msg, p.collection, p.fields.state])).toEqual([
      ['added', 'core.get_jobs', 'WAITING'],
      ['changed', 'core.get_jobs', 'RUNNING'],
      ['changed', 'core.get_jobs', 'SUCCESS'],
    ]);
    expect(params[0]?.fields.message_ids).toEqual([answer.id]);
    expect(params[2]).toMatchObject({ id: params[0]?.id, fields: { result: [{ result: 'pong' }] } });
    // The other connection did not subscribe.
    expect(other.received.some((m) => (m as { method?: string }).method)).toBe(false);
    expect(await rpc.call('core.unsubscribe', [ident])).toBeNull();
    const count = rpc.received.length;
    await rpc.call('core.bulk', ['core.ping', [[]]]);
    expect(rpc.received.length).toBe(count + 1);
  });

  it('needs a login to subscribe, and reports a failed job as VALIDATION with its field errors', async () => {
    const sim = await startSim({ knobs: { jobMethods: new Set(['pool.dataset.delete']) } });
    const anonymous = await connect(sim, false);
    expect((await anonymous.fail('core.subscribe', ['core.get_jobs'])).data?.errname).toBe('ENOTAUTHENTICATED');
    const rpc = await connect(sim);
    await rpc.call('core.subscribe', ['*']);
    const jobId = await rpc.call<number>('pool.dataset.delete', ['tank/k8s/none']);
    await rpc.call('core.job_wait', [jobId]).catch(() => undefined);
    const last = updates(rpc)
      .filter((p) => p.id === jobId)
      .at(-1);
    expect(last?.fields).toMatchObject({
      state: 'FAILED',
      exc_info: { type: 'VALIDATION', extra: [[null, 'PoolDataset tank/k8s/none does not exist', 2]] },
    });
  });
});

describe('truenas-sim query options', () => {
  it('refuses limits over 10,000, get with limit or offset, and C~', async () => {
    const { rpc } = await simWithClient();
    const options = [
      [{ limit: 10_001 }, 'Value error, Options limit must be between 1 and 10000'],
      [{ get: true, limit: 2 }, 'Value error, Invalid options combination. `get` implies a single result.'],
      [{ get: true, offset: 1 }, 'Value error, Invalid options combination. `get` implies a single result.'],
    ] as const;
    for (const [opts, message] of options) {
      expect((await rpc.fail('pool.dataset.query', [[], opts])).data?.extra).toEqual([['options', message, 22]]);
    }
    expect(await rpc.call('pool.dataset.query', [[['id', '=', 'tank']], { get: true, limit: 1 }])).toMatchObject({
      id: 'tank',
    });
    const caseless = await rpc.fail('iscsi.target.query', [[['name', 'C~', 'a.*']]]);
    expect(caseless.data?.extra).toEqual([['filters', 'Value error, Invalid case-insensitive operation: C~', 22]]);
  });

  it('leaves a selected field out when the entry lacks it', async () => {
    const { rpc } = await simWithClient();
    await createZvol(rpc, 'tank/k8s/v');
    const [row] = await rpc.call<Array<Record<string, unknown>>>('pool.dataset.query', [
      [['id', '=', 'tank/k8s/v']],
      { select: ['id', 'no_such_field', 'volsize.parsed', 'origin.nothing', ['name', 'renamed']] },
    ]);
    expect(row).toEqual({ id: 'tank/k8s/v', volsize: { parsed: 64 * 1024 * 1024 }, renamed: 'tank/k8s/v' });
  });

  it('counts every dataset pool.dataset.query walks, before filters apply', async () => {
    // plugins/pool_/dataset_query_utils.py generic_query: `if options["count"]: return state.count`.
    const { sim, rpc } = await simWithClient();
    await createZvol(rpc, 'tank/k8s/v');
    expect(await rpc.call('pool.dataset.query', [[['id', '=', 'tank/k8s/v']], { count: true }])).toBe(3);
    expect(await rpc.call('pool.dataset.query', [[], { count: true, extra: { retrieve_children: false } }])).toBe(
      sim.core.zfs.pools.size,
    );
    // Datastore-backed services count the matches (plugins/datastore/read.py).
    expect(await rpc.call('iscsi.target.query', [[['name', '=', 'none']], { count: true }])).toBe(0);
  });
});
