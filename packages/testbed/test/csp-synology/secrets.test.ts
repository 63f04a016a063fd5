import { afterEach, describe, expect, it } from 'vitest';
import { defaultAdmin } from '../../src/dsm/index.js';
import { failure } from './errors.js';
import { GiB, hostRequest, type Stack, startStack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('csp-synology secrets', () => {
  it('keeps passwords, CHAP secrets, sids and SynoTokens out of every log line and error message', async () => {
    const lines: string[] = [];
    stack = await startStack({ logLines: lines, sim: { csrf: true } });
    const { client, sim } = stack;
    const sids = new Set(sim.auth.sessions.live().flatMap((s) => [s.sid, s.synotoken ?? '']));
    await client.upsertHost(
      hostRequest('node-a', {
        chap_user: 'node-a',
        chap_password: 'chap-secret-1',
        chap_mutual_user: 'nas',
        chap_mutual_password: 'mutual-secret',
      }),
    );
    const volume = await client.createVolume({ name: 'pvc-1', size: GiB });
    await client.publishVolume(volume.id, { host_uuid: 'node-a' });
    sim.auth.sessions.expireAll();
    await client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
    for (const s of sim.auth.sessions.live()) {
      sids.add(s.sid);
      sids.add(s.synotoken ?? '');
    }
    sim.failNext(3, 'error', /LUN\.get$/);
    const messages = [(await failure(client.getVolume(volume.id)))?.message ?? ''];
    messages.push((await failure(stack.clientFor('admin', 'not-the-password-xyz')))?.message ?? '');
    await client.deleteVolume(volume.id);
    const text = lines.join('\n') + messages.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [defaultAdmin.password, 'not-the-password-xyz', 'chap-secret-1', 'mutual-secret', ...sids]) {
      if (secret) {
        expect(text).not.toContain(secret);
      }
    }
  });
});
