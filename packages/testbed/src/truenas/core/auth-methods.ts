// auth.login, auth.login_with_api_key and auth.login_ex (plugins/auth.py, auth_/login_ex_impl.py).
// A plain API key presented on a connection without TLS is revoked on the spot ("Attempt to use
// over an insecure transport") and the login fails, exactly as middleware does since 25.04.
import { validationErrors } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { arg, check, s } from '../rpc/schema.js';
import type { ApiKey, CallContext, SimCore } from '../state/core.js';

function userInfo(username: string): Record<string, unknown> {
  return {
    pw_name: username,
    pw_gecos: username,
    pw_dir: `/home/${username}`,
    pw_shell: '/usr/bin/zsh',
    pw_uid: 950,
    pw_gid: 950,
    grouplist: [544, 950],
    sid: null,
    source: 'LOCAL',
    local: true,
    attributes: {},
    two_factor_config: { secret_configured: false, window: 0, interval: 30, otp_digits: 6 },
    privilege: { roles: { $set: ['FULL_ADMIN'] }, allowlist: [{ method: '*', resource: '*' }], web_shell: true },
    account_attributes: ['LOCAL'],
    webshare: false,
  };
}

/** Checks a plain API key; revokes it when it arrives over an insecure transport. */
function apiKeyLogin(_sim: SimCore, ctx: CallContext, key: ApiKey | undefined): 'SUCCESS' | 'AUTH_ERR' | 'EXPIRED' {
  if (!key) {
    return 'AUTH_ERR';
  }
  if (key.revoked) {
    return 'EXPIRED';
  }
  if (!ctx.session.secure) {
    key.revoked = true;
    key.revokedReason = 'Attempt to use over an insecure transport';
    return 'EXPIRED';
  }
  ctx.session.authenticated = true;
  ctx.session.username = key.username;
  return 'SUCCESS';
}

const loginOptions = s.obj({ user_info: s.opt(s.bool(), true) });

function loginResponse(ctx: CallContext, type: string, options: { user_info: boolean }): Record<string, unknown> {
  if (type !== 'SUCCESS') {
    return { response_type: type };
  }
  return {
    response_type: 'SUCCESS',
    user_info: options.user_info ? userInfo(ctx.session.username as string) : null,
    authenticator: 'LEVEL_1',
  };
}

const mechanisms: Record<string, ReturnType<typeof s.obj>> = {
  API_KEY_PLAIN: s.obj({
    mechanism: s.req(s.str()),
    username: s.req(s.str()),
    api_key: s.req(s.str()),
    login_options: s.opt(loginOptions, {}),
  }),
  PASSWORD_PLAIN: s.obj({
    mechanism: s.req(s.str()),
    username: s.req(s.str()),
    password: s.req(s.str()),
    login_options: s.opt(loginOptions, {}),
  }),
  TOKEN_PLAIN: s.obj({ mechanism: s.req(s.str()), token: s.req(s.str()), login_options: s.opt(loginOptions, {}) }),
  OTP_TOKEN: s.obj({ mechanism: s.req(s.str()), otp_token: s.req(s.str()), login_options: s.opt(loginOptions, {}) }),
};

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
    handler: (ctx, [key]) => apiKeyLogin(ctx.sim, ctx, ctx.sim.findApiKey(key as string)) === 'SUCCESS',
  },
  'auth.login_ex': {
    noAuth: true,
    args: [arg('login_data', s.map(s.any()))],
    handler: (ctx, [data]) => {
      const loginData = data as Record<string, unknown>;
      const mechanism = String(loginData.mechanism ?? '');
      const schema = mechanisms[mechanism];
      if (!schema) {
        throw validationErrors([
          [
            'login_data',
            `Input tag '${mechanism}' found using 'mechanism' does not match any of the expected tags: ` +
              "'API_KEY_PLAIN', 'PASSWORD_PLAIN', 'TOKEN_PLAIN', 'OTP_TOKEN'",
          ],
        ]);
      }
      const problems: Array<[string | null, string, number]> = [];
      const value = check(loginData, schema, 'login_data', problems) as Record<string, unknown>;
      if (problems.length > 0) {
        throw validationErrors(problems);
      }
      const options = value.login_options as { user_info: boolean };
      if (mechanism === 'API_KEY_PLAIN') {
        const key = ctx.sim.findApiKey(value.api_key as string);
        const matching = key && key.username === value.username ? key : undefined;
        return loginResponse(ctx, apiKeyLogin(ctx.sim, ctx, matching), options);
      }
      if (mechanism === 'PASSWORD_PLAIN') {
        if (ctx.sim.users.get(value.username as string) !== value.password) {
          return { response_type: 'AUTH_ERR' };
        }
        ctx.session.authenticated = true;
        ctx.session.username = value.username as string;
        return loginResponse(ctx, 'SUCCESS', options);
      }
      return { response_type: 'AUTH_ERR' };
    },
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
    handler: () => ['API_KEY_PLAIN', 'PASSWORD_PLAIN', 'TOKEN_PLAIN', 'OTP_TOKEN'],
  },
};
