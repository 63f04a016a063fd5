import { describe, expect, it } from 'vitest';
import { ArrayPolicy, type ArrayPolicySettings, type CspProblem, parseArrayAddress } from '../src/server/index.js';

const names = { defaultArray: 'X_ARRAY', allowed: 'X_ALLOWED_ARRAYS', plaintext: 'X_PLAINTEXT_ARRAYS' };

function policy(settings: Partial<ArrayPolicySettings> = {}) {
  const { policy, problems } = ArrayPolicy.create({
    defaultArray: 'nas.example:443',
    allowed: [],
    plaintext: [],
    names,
    ...settings,
  });
  expect(problems).toEqual([]);
  return policy;
}

function refusal(run: () => unknown): CspProblem {
  try {
    run();
  } catch (err) {
    return err as CspProblem;
  }
  throw new Error('expected a refusal');
}

describe('array addresses', () => {
  it('parses host and host:port, lower-cases names and keeps IPv6 in brackets', () => {
    expect(parseArrayAddress('NAS.Example')).toEqual({ host: 'nas.example', port: undefined, key: 'nas.example' });
    expect(parseArrayAddress('10.0.0.5:5001')).toEqual({ host: '10.0.0.5', port: 5001, key: '10.0.0.5:5001' });
    expect(parseArrayAddress('[FD00::5]:443')?.key).toBe('[fd00::5]:443');
  });

  it('refuses invalid ports and malformed hosts', () => {
    for (const bad of [
      '127.0.0.1:99999',
      '127.0.0.1:0',
      'nas:',
      'nas:65536',
      'nas:-1',
      '999.1.1.1',
      '127.1',
      '0x7f000001',
      '::1',
      '[::1',
      '[not-v6]:443',
      '[fe80::1%eth0]',
      'nas/path',
      'user@nas',
      'http://nas',
      ' nas',
      'nas ',
      '-nas',
      'nas_1',
      '',
      `${'a'.repeat(64)}.example`,
    ]) {
      expect(parseArrayAddress(bad), bad).toBeUndefined();
    }
  });
});

describe('array policy', () => {
  it('allows the default array and the listed ones, matched exactly', () => {
    const p = policy({ allowed: ['10.0.0.6', 'nas2.example:8443'] });
    expect(p.resolve(undefined)).toMatchObject({ key: 'nas.example:443', plaintext: false });
    expect(p.resolve('')).toMatchObject({ key: 'nas.example:443' });
    expect(p.resolve('NAS.example:443').key).toBe('nas.example:443');
    expect(p.resolve('10.0.0.6').key).toBe('10.0.0.6');
    expect(p.resolve('nas2.example:8443').port).toBe(8443);
  });

  it('gives one identical refusal, naming the settings, for every address that is not allowed', () => {
    const p = policy({ allowed: ['10.0.0.6'] });
    const bodies = new Set<string>();
    for (const other of ['nas.example', 'nas.example:444', '10.0.0.6:22', '10.0.0.7', 'localhost', '169.254.169.254']) {
      const err = refusal(() => p.resolve(other));
      expect(err).toMatchObject({ reason: 'INVALID_INPUT', field: 'body.array_ip' });
      bodies.add(err.message);
    }
    expect(bodies.size).toBe(1);
    const [message] = [...bodies];
    expect(message).toContain('X_ALLOWED_ARRAYS');
    expect(message).toContain('X_ARRAY');
    expect(message).not.toContain('10.0.0.7');
  });

  it('names the field for a malformed address (a bad port is 400, not a failure later)', () => {
    const err = refusal(() => policy().resolve('127.0.0.1:99999'));
    expect(err).toMatchObject({ reason: 'INVALID_INPUT', field: 'body.array_ip', status: 400 });
    expect(err.message).toMatch(/^body\.array_ip: must be host or host:port/);
  });

  it('allows nothing without a default array and an allowlist', () => {
    const { policy: empty, problems } = ArrayPolicy.create({
      defaultArray: undefined,
      allowed: [],
      plaintext: [],
      names,
    });
    expect(problems).toEqual([]);
    expect(refusal(() => empty.resolve('nas.example:443')).message).toContain('not an array this CSP may contact');
    expect(refusal(() => empty.resolve(undefined)).message).toContain('no default array (X_ARRAY)');
  });

  it('uses plain transport only for arrays listed for it, which must be allowed', () => {
    const p = policy({ allowed: ['lab:80'], plaintext: ['lab:80'] });
    expect(p.resolve('lab:80').plaintext).toBe(true);
    expect(p.resolve(undefined).plaintext).toBe(false);
    const { problems } = ArrayPolicy.create({ defaultArray: 'nas', allowed: [], plaintext: ['other:80'], names });
    expect(problems).toEqual(['X_PLAINTEXT_ARRAYS: other:80 is neither X_ARRAY nor in X_ALLOWED_ARRAYS']);
  });

  it('accepts a scheme only when it agrees with the plaintext list', () => {
    const schemes = { secure: 'https', plain: 'http' };
    const p = policy({ defaultArray: 'https://nas:5001', allowed: ['lab:5000'], plaintext: ['lab:5000'], schemes });
    expect(p.resolve('https://nas:5001/').key).toBe('nas:5001');
    expect(p.resolve('nas:5001').plaintext).toBe(false);
    expect(p.resolve('http://lab:5000').plaintext).toBe(true);
    const downgrade = refusal(() => p.resolve('http://nas:5001'));
    expect(downgrade.message).toBe(refusal(() => p.resolve('other:5001')).message);
    expect(refusal(() => p.resolve('ftp://nas:5001')).message).toMatch(/must be host or host:port/);
    const plainDefault = ArrayPolicy.create({
      defaultArray: 'http://nas:5000',
      allowed: [],
      plaintext: [],
      names,
      schemes,
    });
    expect(plainDefault.problems[0]).toMatch(
      /X_ARRAY: http:\/\/ sends credentials unencrypted; list nas:5000 in X_PLAINTEXT_ARRAYS/,
    );
  });

  it('reports every malformed setting', () => {
    const { problems } = ArrayPolicy.create({
      defaultArray: 'nas:99999',
      allowed: ['ok', 'bad host'],
      plaintext: ['[x]'],
      names,
    });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/X_ARRAY: "nas:99999"/);
    expect(problems.join('\n')).toMatch(/X_ALLOWED_ARRAYS: "bad host"/);
    expect(problems.join('\n')).toMatch(/X_PLAINTEXT_ARRAYS: "\[x\]"/);
  });
});
