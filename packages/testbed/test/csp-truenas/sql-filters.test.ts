// The CSP's iSCSI lookups carry `force_sql_filters: true` wherever SQL can answer them, so the
// array reads only the matching rows; their answers equal the Python-filtered ones (the simulator
// answers each of them both ways and records any difference), and where SQL's LIKE matches more
// than Python's startswith/endswith would, the CSP re-checks what comes back.
import { userProperty } from '@opencsp/csp-truenas';
import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../src/truenas/index.js';
import { iqn, MiB, startStack } from './stack.js';

const datastoreQueries = /^iscsi\.(target|extent|targetextent|initiator|auth)\.query$/;

function filtersOf(call: RecordedCall): unknown[] {
  return (call.params[0] as unknown[] | undefined) ?? [];
}

function usesRin(filters: unknown[]): boolean {
  return JSON.stringify(filters).includes('"rin"');
}

describe('csp-truenas force_sql_filters', () => {
  it('sends it on every iSCSI lookup SQL can run, and gets the answers a plain query gives', async () => {
    const { sim, client } = await startStack({ sim: { knobs: { compareSqlFilters: true } } });
    const log = sim.recordCalls();
    const chap = (user: string) => ({ chap_user: user, chap_password: 'chap-secret-01' });
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')], ...chap('node-a') });
    await client.upsertHost({ uuid: 'n2', iqns: [iqn('n2')], ...chap('node-b') });
    const a = await client.createVolume({ name: 'pvc-a', size: 16 * MiB });
    await client.publishVolume(a.id, { host_uuid: 'n1' });
    await client.publishVolume(a.id, { host_uuid: 'n2' });
    await client.unpublishVolume(a.id, { host_uuid: 'n1' });
    expect((await client.listHosts()).map((h) => h.uuid)).toEqual(['n1', 'n2']);
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')], ...chap('node-c') });
    expect(sim.audit().auth.map((row) => row.user)).toEqual(['node-b', 'node-c']);
    await client.deleteHostByUuid('n1');
    await client.deleteVolume(a.id, { force: true });

    // An interrupted create (the zvol lost its record of the iSCSI ids): the next create finds the
    // extent and target by name and the LUN by target.
    const first = await client.createVolume({ name: 'pvc-b', size: 16 * MiB });
    const zvol = [...sim.core.zfs.datasets.values()].find((d) => d.user.get(userProperty.volumeName) === 'pvc-b');
    zvol?.user.delete(userProperty.targetId);
    const b = await client.createVolume({ name: 'pvc-b', size: 16 * MiB });
    expect(b.id).toBe(first.id);
    await client.deleteVolume(b.id);
    await client.deleteHostByUuid('n2');
    expect(sim.auditIsEmpty()).toBe(true);

    const queries = log.filter((c) => datastoreQueries.test(c.method) && filtersOf(c).length > 0);
    const plain = queries.filter((c) => (c.params[1] as { force_sql_filters?: boolean })?.force_sql_filters !== true);
    const forced = queries.filter((c) => !plain.includes(c));
    expect(new Set(forced.map((c) => c.method))).toEqual(
      new Set([
        'iscsi.target.query',
        'iscsi.extent.query',
        'iscsi.targetextent.query',
        'iscsi.initiator.query',
        'iscsi.auth.query',
      ]),
    );
    // The one lookup left to Python: which volume groups still admit a host's IQNs (`rin` on a
    // column SQL holds as one text), when a host changes its CHAP user (are its CHAP volumes
    // still published?) and when a host is removed.
    expect(plain.map((c) => c.method)).toEqual([
      'iscsi.initiator.query',
      'iscsi.initiator.query',
      'iscsi.initiator.query',
    ]);
    expect(plain.every((c) => usesRin(filtersOf(c)))).toBe(true);
    expect(sim.core.sqlMismatches).toEqual([]);
  });

  it('re-checks what SQL LIKE returns: case and `_` wildcards never merge hosts or keep CHAP users', async () => {
    const { sim, client } = await startStack();
    const chap = (user: string) => ({ chap_user: user, chap_password: 'chap-secret-01' });
    await client.upsertHost({ uuid: 'NODEx1', iqns: [iqn('big')], ...chap('Node-A') });
    await client.upsertHost({ uuid: 'node_1', iqns: [iqn('small')], ...chap('node-a') });
    expect((await client.listHosts()).map((h) => [h.uuid, h.chap_user])).toEqual([
      ['NODEx1', 'Node-A'],
      ['node_1', 'node-a'],
    ]);
    await client.upsertHost({ uuid: 'node_1', iqns: [iqn('small')] });
    expect(sim.audit().auth.map((row) => row.user)).toEqual(['Node-A']);
    const volume = await client.createVolume({ name: 'pvc-like', size: 16 * MiB });
    const info = await client.publishVolume(volume.id, { host_uuid: 'node_1' });
    expect(info.chap_user).toBeUndefined();
    const [group] = sim.core.iscsi.initiators.rows().filter((g) => g.comment.startsWith('opencsp:volume:'));
    expect(group?.initiators).toEqual([iqn('small')]);
    await client.deleteVolume(volume.id, { force: true });
    await client.deleteHostByUuid('node_1');
    expect((await client.listHosts()).map((h) => h.uuid)).toEqual(['NODEx1']);
    await client.deleteHostByUuid('NODEx1');
    expect(sim.auditIsEmpty()).toBe(true);
  });
});
