import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DriverError } from '../src/errors.js';
import { InFlight } from '../src/grpc/inflight.js';
import { redactRequest } from '../src/grpc/redact.js';
import { runRpc, type WrapContext } from '../src/grpc/wrapper.js';

const ctx = (): WrapContext => ({ logger: pino({ level: 'silent' }), inflight: new InFlight() });

describe('rpc wrapper', () => {
  it('refuses a concurrent call on the same key with ABORTED and frees the key afterwards', async () => {
    const wrap = ctx();
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const rpc = { keys: (r: { id: string }) => [`volume:${r.id}`], handle: async () => blocked.then(() => 'done') };
    const first = runRpc('DeleteVolume', rpc, { id: 'v1' }, wrap);
    await expect(runRpc('DeleteVolume', rpc, { id: 'v1' }, wrap)).rejects.toMatchObject({ kind: 'Aborted' });
    const other = runRpc('DeleteVolume', { ...rpc, handle: async () => 'other' }, { id: 'v2' }, wrap);
    await expect(other).resolves.toBe('other');
    release();
    await expect(first).resolves.toBe('done');
    expect(wrap.inflight.size).toBe(0);
    await expect(runRpc('DeleteVolume', { ...rpc, handle: async () => 'again' }, { id: 'v1' }, wrap)).resolves.toBe(
      'again',
    );
  });
  it('validates before taking keys or running the handler', async () => {
    const wrap = ctx();
    let ran = false;
    const rpc = {
      validate: () => {
        throw new DriverError('InvalidArgument', 'volume_id: is required');
      },
      keys: () => ['k'],
      handle: async () => {
        ran = true;
      },
    };
    await expect(runRpc('X', rpc, {}, wrap)).rejects.toMatchObject({ kind: 'InvalidArgument' });
    expect(ran).toBe(false);
    expect(wrap.inflight.size).toBe(0);
  });
  it('releases keys when the handler fails', async () => {
    const wrap = ctx();
    const rpc = { keys: () => ['k'], handle: async () => Promise.reject(new DriverError('Internal', 'boom')) };
    await expect(runRpc('X', rpc, {}, wrap)).rejects.toThrow('boom');
    expect(wrap.inflight.size).toBe(0);
  });
  it('removes secrets, mount flags and CHAP values from logged requests', () => {
    const logged = redactRequest({
      name: 'pvc-1',
      secrets: { password: 'hunter2', chapPassword: 'abcdefghijkl' },
      volumeCapabilities: [{ mount: { fsType: 'ext4', mountFlags: ['password=x'] } }],
      volumeContext: { chapPassword: 'leak', tier: 'gold' },
    });
    const text = JSON.stringify(logged);
    expect(text).not.toMatch(/hunter2|abcdefghijkl|password=x|leak/);
    expect(logged).toMatchObject({ name: 'pvc-1', volumeContext: { tier: 'gold' } });
    expect(logged).toMatchObject({ secrets: { password: '[redacted]', chapPassword: '[redacted]' } });
  });
  it('leaves the request itself unchanged and shares the parts with nothing to remove', () => {
    const request = {
      name: 'pvc-1',
      secrets: { password: 'hunter2' },
      capacityRange: { requiredBytes: '1073741824' },
      parameters: { tier: 'gold', chapSecret: 's3cret' },
    };
    const copy = structuredClone(request);
    const logged = redactRequest(request) as typeof request;
    expect(request).toEqual(copy);
    expect(logged.capacityRange).toBe(request.capacityRange);
    expect(logged.parameters).toEqual({ tier: 'gold', chapSecret: '[redacted]' });
    const clean = { name: 'pvc-2', capacityRange: { requiredBytes: '1' } };
    expect(redactRequest(clean)).toBe(clean);
  });
});
