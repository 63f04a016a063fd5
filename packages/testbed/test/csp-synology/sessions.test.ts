import { parseOptions } from '@opencsp/csp-spec/options';
import { createLogger, loginGuardOptions, loginGuardSettings } from '@opencsp/csp-spec/server';
import { enrollDevice, SynologyProvider } from '@opencsp/csp-synology';
import { afterEach, describe, expect, it } from 'vitest';
import { account, defaultAdmin, totp } from '../../src/dsm/index.js';
import { failure } from './errors.js';
import { GiB, type Stack, startStack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('csp-synology DSM sessions', () => {
  it('logs in again transparently after idle expiry (106), duplicate-login interruption (107) and with CSRF on', async () => {
    stack = await startStack({ sim: { csrf: true } });
    const { client, sim } = stack;
    const volume = await client.createVolume({ name: 'pvc-1', size: GiB });
    const before = sim.auth.attempts;
    sim.auth.sessions.expireAll();
    expect((await client.getVolume(volume.id)).name).toBe('pvc-1');
    sim.auth.sessions.interruptAll();
    expect((await client.listVolumes()).items).toHaveLength(1);
    expect(sim.auth.attempts - before).toBe(2);
    await client.deleteVolume(volume.id);
  });

  it('never retries a refused password: the second login does not reach DSM, so Auto Block is never tripped', async () => {
    stack = await startStack({ login: false, sim: { autoBlock: { attempts: 2 } } });
    const { sim, clientFor } = stack;
    const first = await failure(clientFor('admin', 'wrong-password'));
    expect(first).toMatchObject({ status: 401, reason: 'UNAUTHENTICATED' });
    expect(first?.message).toMatch(/wrong username or password/);
    const attempts = sim.auth.attempts;
    const second = await failure(clientFor('admin', 'wrong-password'));
    expect(second?.message).toMatch(/not tried again/);
    expect(sim.auth.attempts).toBe(attempts);
    expect(sim.auth.autoBlock.blockedIps()).toEqual([]);
    const good = await clientFor(defaultAdmin.username, defaultAdmin.password);
    expect((await good.listVolumes()).items).toEqual([]);
  });

  it('explains 2-step verification, and works with an enrolled device token', async () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    stack = await startStack({
      login: false,
      sim: { accounts: [account('csi', 'csi-password', { otpSecret: secret })] },
    });
    const { sim } = stack;
    const refused = await failure(stack.clientFor('csi', 'csi-password'));
    expect(refused?.message).toMatch(/2-step verification/);
    const did = await enrollDevice({
      url: sim.url,
      username: 'csi',
      password: 'csi-password',
      otp: totp(secret),
      deviceName: 'opencsp-test',
      ca: sim.certificate,
    });
    await stack.close();
    stack = await startStack({
      login: false,
      sim: { accounts: [account('csi', 'csi-password', { otpSecret: secret, deviceTokens: new Set([did]) })] },
      csp: { deviceId: did },
    });
    const client = await stack.clientFor('csi', 'csi-password');
    expect((await client.listVolumes()).items).toEqual([]);
  });

  it('tells a non-administrator account what is missing', async () => {
    stack = await startStack({ login: false, sim: { accounts: [account('user', 'user-password', { admin: false })] } });
    const refused = await failure(stack.clientFor('user', 'user-password'));
    expect(refused).toMatchObject({ status: 401 });
    expect(refused?.message).toMatch(/administrators group/);
  });

  it('verifies the NAS certificate: without the right CA the login fails with a TLS explanation', async () => {
    stack = await startStack({ login: false });
    const { sim } = stack;
    const provider = new SynologyProvider({
      defaultUrl: sim.url,
      allowedArrays: [],
      plaintextArrays: [],
      ca: undefined,
      deviceId: undefined,
      sessionName: 'opencsp',
      namePrefix: 'k8s-',
      masking: 'hosts',
      defaultLocation: undefined,
      portals: [],
      requestTimeoutMs: 5_000,
      lockTimeoutMs: 5_000,
      deleteTimeoutMs: 5_000,
      pollIntervalMs: 10,
      login: loginGuardSettings(parseOptions(loginGuardOptions, [], {}).values),
      logger: createLogger('t', 'silent'),
    });
    const err = await provider
      .openSession({ username: defaultAdmin.username, password: defaultAdmin.password, arrayIp: undefined })
      .catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/TLS verification .* failed/);
    expect((err as { reason?: string }).reason).toBe('UNAVAILABLE');
  });

  it('resends reads after dropped connections, reports a NAS that keeps failing as 503', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    const volume = await client.createVolume({ name: 'pvc-1', size: GiB });
    sim.failNext(2, 'drop', /LUN\.get$/);
    expect((await client.getVolume(volume.id)).id).toBe(volume.id);
    sim.failNext(3, 'error', /LUN\.get$/);
    const down = await failure(client.getVolume(volume.id));
    expect(down).toMatchObject({ status: 503, reason: 'UNAVAILABLE' });
    expect(down?.message).toMatch(/HTTP 500/);
    await client.deleteVolume(volume.id);
  });

  it('removes a LUN whose create answer was lost, so a retried create starts clean', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    sim.failNext(1, 'lose-answer', /LUN\.create$/);
    const lost = await failure(client.createVolume({ name: 'pvc-lost', size: GiB }));
    expect(lost).toMatchObject({ status: 503, reason: 'UNAVAILABLE' });
    expect((await sim.audit()).leaks).toEqual([]);
    const retried = await client.createVolume({ name: 'pvc-lost', size: GiB });
    sim.failNext(1, 'lose-answer', /LUN\.take_snapshot$/);
    expect((await failure(client.createSnapshot({ name: 's', volume_id: retried.id })))?.status).toBe(503);
    expect((await client.listSnapshots({ volumeId: retried.id })).items).toEqual([]);
    await client.deleteVolume(retried.id);
    expect((await sim.audit()).leaks).toEqual([]);
  });
});
