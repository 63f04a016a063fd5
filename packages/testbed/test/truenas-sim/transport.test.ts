import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiVersions } from '../../src/truenas/index.js';
import { connect, simWithClient, startSim } from './fixture.js';
import { RawRpc } from './rpc-client.js';

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('truenas-sim transport', () => {
  it('lists API versions and serves /api/current and pinned versions only', async () => {
    const sim = await startSim({ version: '25.10.1' });
    const versions = await httpGet(sim.port, '/api/versions');
    expect(versions.status).toBe(200);
    expect(JSON.parse(versions.body)).toEqual(apiVersions('25.10.1'));
    expect(JSON.parse(versions.body)).toContain('v25.10.0');
    expect(JSON.parse(versions.body)).not.toContain('v26.0.0');
    const pinned = await RawRpc.open(sim.url('v25.10.0'));
    expect(await pinned.call('core.ping')).toBe('pong');
    pinned.close();
    const unknown = new WebSocket(sim.url('v99.0.0'));
    const failure = await new Promise<string>((resolve) => unknown.once('error', (err) => resolve(err.message)));
    expect(failure).toMatch(/404/);
  });

  it('answers malformed messages with the JSON-RPC error codes', async () => {
    const { rpc } = await simWithClient();
    const badJson = await rpc.sendRaw('{not json');
    expect(badJson.error?.code).toBe(-32700);
    expect(badJson.id).toBeNull();
    const badRequest = await rpc.sendRaw(JSON.stringify({ jsonrpc: '1.0', id: 7, method: 'core.ping' }));
    expect(badRequest).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32600, message: "'jsonrpc' member must be of type string and must be exactly '2.0'" },
    });
    const unknown = await rpc.fail('no.such.method');
    expect(unknown).toEqual({ code: -32601, message: 'Method does not exist' });
  });

  it('refuses unauthenticated calls with ENOTAUTHENTICATED but answers core.ping', async () => {
    const sim = await startSim();
    const rpc = await connect(sim, false);
    expect(await rpc.call('core.ping')).toBe('pong');
    const error = await rpc.fail('pool.dataset.query');
    expect(error.code).toBe(-32001);
    expect(error.message).toBe('Method call error');
    expect(error.data).toMatchObject({
      error: 207,
      errname: 'ENOTAUTHENTICATED',
      reason: '[ENOTAUTHENTICATED] Not authenticated',
    });
  });

  it('validates arguments with -32602 and field errors', async () => {
    const { rpc } = await simWithClient();
    const error = await rpc.fail('pool.dataset.query', ['not-a-list']);
    expect(error.code).toBe(-32602);
    expect(error.message).toBe('Invalid params');
    expect(error.data?.error).toBe(22);
    expect(error.data?.extra).toEqual([['filters', 'Input should be a valid list', 22]]);
    const tooMany = await rpc.fail('core.ping', [1]);
    expect(tooMany.data?.extra).toEqual([[null, 'Too many arguments (expected 0, found 1)', 22]]);
    const badOp = await rpc.fail('pool.dataset.query', [[['id', '==', 'x']]]);
    expect(badOp.data?.extra).toEqual([['filters', 'Value error, Invalid operation: ==', 22]]);
  });

  it('limits a connection to 20 calls in flight (-32000) and 10 executing', async () => {
    const { sim, rpc } = await simWithClient({ faults: { latencyMs: 150 } });
    const answers = await Promise.all(Array.from({ length: 25 }, () => rpc.request('core.ping')));
    const refused = answers.filter((a) => a.error?.code === -32000);
    expect(refused).toHaveLength(5);
    expect(refused[0]?.error?.message).toBe('Maximum number of concurrent calls (20) has exceeded');
    expect(answers.filter((a) => a.result === 'pong')).toHaveLength(20);
    expect(sim.calls.byMethod()['core.ping']).toBe(25);
    expect(sim.core.peaks).toEqual({ executing: 10, inflight: 20 });
  });

  it('serves wss:// with the generated certificate', async () => {
    const sim = await startSim({ tls: true });
    expect(sim.url()).toMatch(/^wss:\/\//);
    const rpc = await connect(sim);
    expect(await rpc.call('system.version')).toBe('TrueNAS-25.10.6');
    const info = await rpc.call<Record<string, unknown>>('system.info');
    expect(info.version).toBe('TrueNAS-25.10.6');
    expect(info.hostname).toBe('truenas-sim');
  });
});
