import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../src/scrub.js';
import { buildCspApp, createLogger } from '../src/server/index.js';
import { MemoryProvider } from '../src/testing/index.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('scrubSecrets', () => {
  const secret = new Set(['password', 'token']);
  it('censors secret keys in the first three levels, in objects and arrays, and copies only what changes', () => {
    const untouched = { a: 1, b: { c: [1, 2] } };
    expect(scrubSecrets(untouched, secret)).toBe(untouched);
    const input = { password: 'p', list: [{ token: 't', keep: 1 }], deep: { a: { b: { password: 'too deep' } } } };
    const out = scrubSecrets(input, secret);
    expect(out).toEqual({
      password: '[redacted]',
      list: [{ token: '[redacted]', keep: 1 }],
      deep: { a: { b: { password: 'too deep' } } },
    });
    expect(input.password).toBe('p');
    expect(out.deep).toBe(input.deep);
    const err = Object.assign(new Error('x'), { password: 'kept for the error serializer' });
    expect(scrubSecrets({ err }, secret).err).toBe(err);
  });
});

describe('logging', () => {
  it('redacts secrets by field name at any of the first levels', () => {
    const { lines, stream } = capture();
    const log = createLogger('t', 'info', stream);
    log.info({
      password: 'p1',
      body: { chap_password: 'p2', nested: { api_key: 'p3' } },
      headers: { 'x-auth-token': 'p4' },
    });
    const text = lines.join('');
    for (const secret of ['p1', 'p2', 'p3', 'p4']) {
      expect(text).not.toContain(`"${secret}"`);
    }
    expect(text).toContain('[redacted]');
  });

  it('keeps credentials and tokens out of the log of a whole session', async () => {
    const { lines, stream } = capture();
    const logger = createLogger('csp', 'debug', stream);
    const csp = await buildCspApp({ provider: new MemoryProvider(), logger, docs: false });
    const login = await csp.app.inject({
      method: 'POST',
      url: '/containers/v1/tokens',
      payload: { username: 'admin', password: 'secret-password' },
    });
    const token = login.json().session_token as string;
    await csp.app.inject({
      method: 'POST',
      url: '/containers/v1/tokens',
      payload: { username: 'admin', password: 'wrong-secret' },
    });
    await csp.app.inject({
      method: 'POST',
      url: '/containers/v1/hosts',
      headers: { 'x-auth-token': token },
      payload: { uuid: 'n1', iqns: ['iqn.2000-01.com.x:y'], chap_user: 'u', chap_password: 'chap-secret-123' },
    });
    await csp.shutdown();
    const text = lines.join('');
    expect(text).toContain('csp request');
    for (const secret of ['secret-password', 'wrong-secret', 'chap-secret-123', token]) {
      expect(text).not.toContain(secret);
    }
  });
});
