import { describe, expect, it } from 'vitest';
import { redact, tool } from '../../src/vm/guest/exec.js';
import { volumeFromEnv, volumeSecrets } from '../../src/vm/guest/volume.js';

const ENV = {
  E2E_TARGET_IQN: 'iqn.2003-01.org.linux-iscsi.opencsp-e2e:lun0',
  E2E_LUN_SERIAL: '0b81edea-c274-4f3a-96a9-e0060c1f2a3b',
  E2E_PORTALS: '127.0.0.1:3260,127.0.0.2:3260',
  E2E_LUN: '0',
  E2E_CHAP_USER: 'node',
  E2E_CHAP_PASSWORD: 'secret-one-23',
  E2E_FS_TYPE: 'ext4',
  E2E_STAGING: '/mnt/staging',
};

describe('guest volume from the environment', () => {
  it('reads portals, LUN, one-way CHAP and the staging path', () => {
    const volume = volumeFromEnv(ENV);
    expect(volume.portals).toEqual(['127.0.0.1:3260', '127.0.0.2:3260']);
    expect(volume.lun).toBe(0);
    expect(volume.serial).toBe('0b81edea-c274-4f3a-96a9-e0060c1f2a3b');
    expect(volume.chap).toEqual({ username: 'node', password: 'secret-one-23' });
    expect(volume.requiredBytes).toBeUndefined();
    expect(volumeSecrets(volume)).toEqual(['secret-one-23']);
  });

  it('reads mutual CHAP and the size an expand must reach', () => {
    const volume = volumeFromEnv({
      ...ENV,
      E2E_CHAP_USER_IN: 'array',
      E2E_CHAP_PASSWORD_IN: 'secret-two-45',
      E2E_REQUIRED_BYTES: '1073741824',
    });
    expect(volume.chap.usernameIn).toBe('array');
    expect(volume.requiredBytes).toBe(1073741824);
    expect(volumeSecrets(volume)).toEqual(['secret-one-23', 'secret-two-45']);
  });

  it('names the variable that is missing or malformed', () => {
    expect(() => volumeFromEnv({ ...ENV, E2E_TARGET_IQN: '' })).toThrow(/E2E_TARGET_IQN is not set/);
    expect(() => volumeFromEnv({ ...ENV, E2E_PORTALS: 'portal-a' })).toThrow(/E2E_PORTALS/);
    expect(() => volumeFromEnv({ ...ENV, E2E_LUN: '-1' })).toThrow(/E2E_LUN/);
    expect(() => volumeFromEnv({ ...ENV, E2E_CHAP_USER_IN: 'array' })).toThrow(/E2E_CHAP_PASSWORD_IN/);
    expect(() => volumeFromEnv({ ...ENV, E2E_REQUIRED_BYTES: 'big' })).toThrow(/E2E_REQUIRED_BYTES/);
  });
});

describe('guest tool runner', () => {
  it('returns output and accepted exit codes', async () => {
    await expect(tool('sh', ['-c', 'echo out; exit 21'], { okCodes: [0, 21] })).resolves.toEqual({
      code: 21,
      stdout: 'out\n',
      stderr: '',
    });
  });

  it('blanks secrets in the error of a failing command, from argv and from stderr', async () => {
    const secret = 'hunter2-chap-secret';
    const failure = tool('sh', ['-c', `echo "bad password ${secret}" >&2; exit 24`, secret], { secrets: [secret] });
    await expect(failure).rejects.toThrow(/exit 24: bad password \*\*\*/);
    await failure.catch((error: Error) => expect(error.message).not.toContain(secret));
    expect(redact('a s3cr3t b s3cr3t', ['s3cr3t', ''])).toBe('a *** b ***');
  });

  it('kills a command that outlives its timeout', async () => {
    await expect(tool('sleep', ['5'], { timeoutMs: 100 })).rejects.toThrow(/killed by SIGKILL/);
  });
});
