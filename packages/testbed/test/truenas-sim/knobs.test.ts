import { describe, expect, it } from 'vitest';
import { connect, createZvol, MiB, simWithClient, startSim } from './fixture.js';

describe('truenas-sim jobs', () => {
  it('answers job methods with a job id under legacy_jobs and blocks without it', async () => {
    const { rpc } = await simWithClient();
    const jobId = await rpc.call<number>('core.bulk', ['core.ping', [[], []]]);
    expect(typeof jobId).toBe('number');
    const waitJob = await rpc.call<number>('core.job_wait', [jobId]);
    expect(typeof waitJob).toBe('number');
    const [job] = await rpc.call<Array<Record<string, unknown>>>('core.get_jobs', [[['id', '=', jobId]]]);
    expect(job).toMatchObject({ id: jobId, method: 'core.bulk', state: 'SUCCESS' });
    expect(job?.result).toEqual([
      { job_id: null, error: null, result: 'pong' },
      { job_id: null, error: null, result: 'pong' },
    ]);
    expect(job?.time_started).toMatchObject({ $date: expect.any(Number) });
    expect(await rpc.call('core.set_options', [{ legacy_jobs: false }])).toMatchObject({ legacy_jobs: false });
    const direct = await rpc.call('core.bulk', ['system.version', [[]]]);
    expect(direct).toEqual([{ job_id: null, error: null, result: 'TrueNAS-25.10.6' }]);
  });

  it('can make any method a job and reports failed jobs', async () => {
    const { rpc } = await simWithClient({ knobs: { jobMethods: new Set(['pool.dataset.delete']) } });
    const jobId = await rpc.call<number>('pool.dataset.delete', ['tank/k8s/none']);
    const [job] = await rpc.call<Array<Record<string, unknown>>>('core.get_jobs', [
      [['id', '=', jobId]],
      { select: ['state', 'error', 'exc_info'] },
    ]);
    expect(job?.state).toBe('FAILED');
    expect(job?.error).toBe('[ENOENT] None: PoolDataset tank/k8s/none does not exist');
    await rpc.call('core.set_options', [{ legacy_jobs: false }]);
    const blocking = await rpc.fail('pool.dataset.delete', ['tank/k8s/none']);
    expect(blocking.code).toBe(-32602);
  });
});

describe('truenas-sim faults', () => {
  it('answers planned failures once each, in order, with the middleware envelopes', async () => {
    const { sim, rpc } = await simWithClient();
    const create = [{ name: 'tank/k8s/p', type: 'VOLUME', volsize: MiB, volblocksize: '16K' }];
    sim.failNext('pool.dataset.create', { errno: 'ENOSPC', message: 'out of space' });
    sim.failNext('pool.dataset.create', { attribute: 'pool_dataset_create.volsize', message: 'too big' });
    expect(await rpc.call('core.ping')).toBe('pong');
    const first = await rpc.fail('pool.dataset.create', create);
    expect(first).toMatchObject({
      code: -32001,
      data: { error: 28, errname: 'ENOSPC', reason: '[ENOSPC] out of space' },
    });
    const second = await rpc.fail('pool.dataset.create', create);
    expect(second).toMatchObject({
      code: -32602,
      data: { extra: [['pool_dataset_create.volsize', 'too big', 22]] },
    });
    expect(sim.core.zfs.datasets.has('tank/k8s/p')).toBe(false);
    await rpc.call('pool.dataset.create', create);
    expect(sim.core.zfs.datasets.has('tank/k8s/p')).toBe(true);
  });

  it('injects busy and server errors on matching methods only', async () => {
    const { sim, rpc } = await simWithClient();
    sim.setFaults({ busyRate: 1, methods: /^pool\.dataset\.create$/ });
    const busy = await rpc.fail('pool.dataset.create', [{ name: 'tank/k8s/x', type: 'VOLUME', volsize: MiB }]);
    expect(busy.data).toMatchObject({ error: 16, errname: 'EBUSY' });
    expect(await rpc.call('core.ping')).toBe('pong');
    sim.setFaults({ busyRate: 0, errorRate: 1 });
    const failed = await rpc.fail('pool.dataset.create', [{ name: 'tank/k8s/x', type: 'VOLUME', volsize: MiB }]);
    expect(failed.data?.errname).toBe('EIO');
    expect(sim.core.zfs.datasets.has('tank/k8s/x')).toBe(false);
  });

  it('drops the connection before or after the call ran', async () => {
    const sim = await startSim();
    const rpc = await connect(sim);
    sim.setFaults({ dropRate: 1, methods: /^pool\.dataset\.create$/ });
    void rpc.request('pool.dataset.create', [{ name: 'tank/k8s/before', type: 'VOLUME', volsize: MiB, sparse: true }]);
    await rpc.closed();
    expect(sim.core.zfs.datasets.has('tank/k8s/before')).toBe(false);
    sim.setKnobs({ dropPhase: 'after' });
    const second = await connect(sim);
    void second.request('pool.dataset.create', [
      { name: 'tank/k8s/after', type: 'VOLUME', volsize: MiB, sparse: true },
    ]);
    await second.closed();
    expect(sim.core.zfs.datasets.has('tank/k8s/after')).toBe(true);
  });
});

describe('truenas-sim audit, seeding and backing files', () => {
  it('lists what a client created and forgets it once deleted', async () => {
    const { sim, rpc } = await simWithClient();
    expect(sim.auditIsEmpty()).toBe(true);
    await createZvol(rpc, 'tank/k8s/v');
    const extent = await rpc.call<{ id: number; naa: string; serial: string }>('iscsi.extent.create', [
      { name: 'v', disk: 'zvol/tank/k8s/v' },
    ]);
    const target = await rpc.call<{ id: number }>('iscsi.target.create', [{ name: 'v' }]);
    await rpc.call('iscsi.targetextent.create', [{ target: target.id, extent: extent.id }]);
    await rpc.call('iscsi.auth.create', [{ tag: 3, user: 'u', secret: 'secret-12345' }]);
    const audit = sim.audit();
    expect(audit.datasets).toEqual([{ name: 'tank/k8s/v', type: 'VOLUME' }]);
    expect(audit.targets).toEqual([{ id: target.id, name: 'v' }]);
    expect(audit.extents).toHaveLength(1);
    expect(audit.targetextents).toHaveLength(1);
    expect(audit.auth).toEqual([{ id: 1, tag: 3, user: 'u' }]);
    expect(JSON.stringify(audit)).not.toContain('secret-12345');
    const byNaa = sim.backingFile({ naa: extent.naa.replace(/^0x/, '') });
    expect(byNaa).toBe(sim.backingFile({ dataset: 'tank/k8s/v' }));
    expect(sim.backingFile({ serial: extent.serial })).toBe(byNaa);
    expect(sim.backingFile({ target: `${sim.core.iscsi.global.basename}:v`, lun: 0 })).toBe(byNaa);
    await rpc.call('pool.dataset.delete', ['tank/k8s/v']);
    await rpc.call('iscsi.auth.delete', [1]);
    expect(sim.audit()).toEqual({
      datasets: [],
      snapshots: [],
      targets: [],
      extents: [],
      targetextents: [],
      initiators: [],
      auth: [],
      sessions: [],
      nvmetHosts: [],
      nvmetSubsystems: [],
      nvmetNamespaces: [],
      nvmetHostLinks: [],
      nvmetPortLinks: [],
      nvmeSessions: [],
    });
  });

  it('seeds zvols with their iSCSI objects outside the audit baseline when accepted', async () => {
    const { sim, rpc } = await simWithClient();
    const seeded = await sim.seedZvols(
      Array.from({ length: 50 }, (_, i) => ({
        dataset: `tank/k8s/seed-${i}`,
        volsize: 16 * MiB,
        userProperties: { 'opencsp:name': `seed-${i}` },
        iscsi: {
          targetName: `seed-${i}`,
          extentName: `seed-${i}`,
          initiators: ['iqn.2000-01.a:n'],
          initiatorComment: 'seeded',
        },
      })),
    );
    expect(seeded).toHaveLength(50);
    expect(seeded[0]?.naa).toMatch(/^0x6589cfc000000/);
    sim.acceptCurrentState();
    expect(sim.auditIsEmpty()).toBe(true);
    expect(await rpc.call('pool.dataset.query', [[['id', '^', 'tank/k8s/seed-']]])).toHaveLength(50);
    expect(await rpc.call('iscsi.target.query', [[], { count: true }])).toBe(50);
    const [target] = await rpc.call<Array<{ groups: unknown[] }>>('iscsi.target.query', [[['name', '=', 'seed-7']]]);
    expect(target?.groups).toHaveLength(1);
  });

  it('records what clients send once asked, with login params redacted', async () => {
    const sim = await startSim();
    const log = sim.recordCalls();
    const rpc = await connect(sim);
    await rpc.call('iscsi.target.query', [[['name', '=', 'x']], { force_sql_filters: true }]);
    expect(log).toEqual([
      { method: 'auth.login', params: ['<redacted>'] },
      { method: 'iscsi.target.query', params: [[['name', '=', 'x']], { force_sql_filters: true }] },
    ]);
    expect(JSON.stringify(log)).not.toContain(sim.password);
  });
});
