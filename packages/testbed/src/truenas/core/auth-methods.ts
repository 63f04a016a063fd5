// auth.login, auth.login_with_api_key, auth.login_ex, auth.logout, auth.me and
// auth.mechanism_choices (plugins/auth.py). A plain API key presented on an insecure transport
// (no TLS, not loopback) is revoked on the spot ("Attempt to use over an insecure transport"), as
// middleware does since 25.04. What differs by release is in login-ex.ts and the personality.
import { unexpectedException } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { arg, s } from '../rpc/schema.js';
import type { CallContext } from '../state/core.js';
import { apiKeyLogin, loginEx } from './login-ex.js';
import { userInfo } from './user-info.js';

export const authMethods: MethodTable<CallContext> = {
  'auth.login': {
    noAuth: true,
    args: [arg('username', s.str()), arg('password', s.str()), arg('otp_token', s.nullable(s.str()), null)],
    handler: (ctx, [username, password]) => {
      if (ctx.sim.users.get(username as string) !== password) {
        return false;
      }
      ctx.session.authenticated = true;
      ctx.session.username = username as string;
      return true;
    },
  },
  'auth.login_with_api_key': {
    noAuth: true,
    args: [arg('api_key', s.str())],
    handler: (ctx, [key]) => apiKeyLogin(ctx, ctx.sim.findApiKey(key as string)) === 'SUCCESS',
  },
  'auth.login_ex': {
    noAuth: true,
    args: [arg('login_data', s.map(s.any()))],
    handler: (ctx, [data]) => loginEx(ctx, data as Record<string, unknown>),
  },
  'auth.logout': {
    args: [],
    handler: (ctx) => {
      ctx.session.authenticated = false;
      ctx.session.username = undefined;
      return true;
    },
  },
  'auth.me': {
    args: [],
    handler: (ctx) => userInfo(ctx.session.username as string),
  },
  'auth.mechanism_choices': {
    noAuth: true,
    args: [],
    handler: (ctx: CallContext) => {
      const traits = ctx.sim.personality.auth;
      if (traits.choicesNeedLogin && !ctx.session.authenticated) {
        // 25.10 reads app.authenticated_credentials.may_create_auth_token before checking it is set.
        throw unexpectedException("'NoneType' object has no attribute 'may_create_auth_token'", 'AttributeError');
      }
      return [...traits.mechanisms];
    },
  },
};
