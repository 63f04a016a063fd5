// Sessions: login answers exactly 200 with a token, wrong credentials and missing or unknown tokens
// are 401, logout ends a session, and a token is bound to its array in service mode.
import { randomBytes } from 'node:crypto';
import type { Token } from '../../types.js';
import type { CaseContext } from '../context.js';
import { ensure, expectBody, expectError, expectNoContent } from '../expect.js';
import type { ConformanceCase } from '../types.js';

function loginBody(ctx: CaseContext, password = ctx.password) {
  return {
    username: ctx.username,
    password,
    ...(ctx.serviceMode ? { array_ip: ctx.backend } : {}),
  };
}

async function secondSession(ctx: CaseContext): Promise<Token> {
  const login = await ctx.api.login(loginBody(ctx));
  const token = expectBody<Token>(login, 'log in');
  ensure(token.session_token !== '', 'log in: session_token is empty', login);
  return token;
}

export const tokenCases: ConformanceCase[] = [
  {
    id: 'tokens.login',
    area: 'tokens',
    title: 'POST /tokens answers exactly 200 with a session_token and never echoes the password',
    async run(ctx) {
      const login = await ctx.api.login(loginBody(ctx));
      const token = expectBody<Token>(login, 'log in');
      ensure(token.session_token.length > 0, 'log in: session_token is empty', login);
      ensure(!JSON.stringify(login.body).includes(ctx.password), 'log in: the answer contains the password', login);
      const use = await ctx.api.listHosts({ auth: { token: token.session_token } });
      expectBody(use, 'use the new token for GET /hosts');
    },
  },
  {
    id: 'tokens.bad-credentials',
    area: 'tokens',
    title: 'POST /tokens with a wrong password answers 401 with an error body',
    async run(ctx) {
      const wrong = ctx.secret(`cspconf-wrong-${randomBytes(8).toString('hex')}`);
      const login = await ctx.api.login(loginBody(ctx, wrong));
      expectError(login, 401, 'log in with a wrong password');
      ensure(!JSON.stringify(login.body).includes(wrong), 'the error echoes the password', login);
    },
  },
  {
    id: 'tokens.missing-token',
    area: 'tokens',
    title: 'calls without x-auth-token answer 401, before any input validation',
    async run(ctx) {
      expectError(await ctx.api.listVolumes({}, { auth: 'none' }), 401, 'GET /volumes without a token');
      expectError(await ctx.api.listHosts({ auth: 'none' }), 401, 'GET /hosts without a token');
      const bad = await ctx.api.createVolume({ name: ctx.name('vol'), size: -1 }, { auth: 'none' });
      expectError(bad, 401, 'POST /volumes with a bad body and without a token');
    },
  },
  {
    id: 'tokens.unknown-token',
    area: 'tokens',
    title: 'calls with a token the CSP never issued answer 401',
    async run(ctx) {
      const token = { token: ctx.secret(`cspconf-${randomBytes(24).toString('hex')}`) };
      expectError(await ctx.api.listVolumes({}, { auth: token }), 401, 'GET /volumes with an unknown token');
      expectError(await ctx.api.listHosts({ auth: token }), 401, 'GET /hosts with an unknown token');
    },
  },
  {
    id: 'tokens.logout',
    area: 'tokens',
    title: 'DELETE /tokens/{id} ends a session (204), the token then answers 401, a second delete 404',
    async run(ctx) {
      const token = await secondSession(ctx);
      const id = token.id || token.session_token;
      expectNoContent(await ctx.api.logout(id), 'log the second session out');
      const after = await ctx.api.listHosts({ auth: { token: token.session_token } });
      expectError(after, 401, 'use the logged-out token');
      expectError(await ctx.api.logout(id), 404, 'log the same session out again');
    },
  },
  {
    id: 'tokens.other-array',
    area: 'tokens',
    title: 'a token presented with the x-array-ip of another array answers 401',
    serviceModeOnly: true,
    async run(ctx) {
      const other = `cspconf-other-${randomBytes(3).toString('hex')}.invalid`;
      const answer = await ctx.api.listHosts({ arrayIp: other });
      expectError(answer, 401, 'GET /hosts with the x-array-ip of another array');
    },
  },
];
