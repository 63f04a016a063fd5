// The contract's request validators are generated at build time (scripts/validators.mjs): a CSP
// serving requests, with response validation off as by default, never loads Ajv.
import { createRequire } from 'node:module';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { contractRoutes } from '../src/server/contract.js';
import { buildCspApp } from '../src/server/index.js';
import { contractRequestValidator, type HttpPart, responseProblem } from '../src/server/validation.js';
import { MemoryProvider } from '../src/testing/index.js';

const cache = createRequire(import.meta.url).cache;
const ajvLoaded = () => Object.keys(cache).filter((path) => /[\\/]ajv[\\/]dist[\\/](ajv|2020|core)\.js$/.test(path));

describe('precompiled request validators', () => {
  it('validate, coerce and name the field without loading the ajv library', async () => {
    expect(ajvLoaded()).toEqual([]);
    const csp = await buildCspApp({ provider: new MemoryProvider(), logger: pino({ level: 'silent' }), docs: false });
    try {
      const call = (method: 'GET' | 'POST', url: string, payload?: object, token?: string) =>
        csp.app.inject({
          method,
          url: `/containers/v1${url}`,
          headers: token ? { 'x-auth-token': token } : {},
          ...(payload ? { payload } : {}),
        });
      const login = await call('POST', '/tokens', { username: 'admin', password: 'secret-password' });
      expect(login.statusCode).toBe(200);
      const token = login.json().session_token as string;
      const bad = await call('POST', '/volumes', { name: 'a', size: '10' }, token);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0]).toMatchObject({ reason: 'INVALID_INPUT', field: 'body.size' });
      expect((await call('POST', '/volumes', { name: 'v1', size: 10 }, token)).statusCode).toBe(200);
      expect((await call('GET', '/volumes?limit=1', undefined, token)).statusCode).toBe(200);
      expect((await call('GET', '/volumes?limit=abc', undefined, token)).json().errors[0].field).toBe('query.limit');
    } finally {
      await csp.shutdown();
    }
    expect(ajvLoaded()).toEqual([]);
    // The check above sees Ajv when it is loaded: response validation still compiles at run time.
    expect(responseProblem({ type: 'integer', format: 'int64' }, 2 ** 60)).toMatch(/format/);
    expect(ajvLoaded()).not.toEqual([]);
  });

  it('exist for every request part of every contract operation, and only for those', () => {
    for (const route of contractRoutes()) {
      for (const part of ['body', 'querystring', 'params', 'headers'] as HttpPart[]) {
        if (route.request[part]) {
          expect(() => contractRequestValidator(route.operationId, part)).not.toThrow();
        } else {
          expect(() => contractRequestValidator(route.operationId, part)).toThrow(/pnpm generate/);
        }
      }
    }
  });
});
