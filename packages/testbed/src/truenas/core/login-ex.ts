// auth.login_ex (plugins/auth.py; plugins/auth_/login_ex_impl.py on 26). The mechanisms and login
// options depend on the release and, for SCRAM, on the API endpoint: 26 accepts SCRAM on
// /api/v26.0.0 and /api/current only, because older endpoints validate with their own models.
// A plain API key presented on an insecure transport is revoked and the login answers EXPIRED;
// a revoked key later answers AUTH_ERR (25.10 drops it from the PAM keyring, 26 says so).
import { randomBytes } from 'node:crypto';
import { callError, errno, validationErrors } from '../rpc/errors.js';
import { check, type Schema, s } from '../rpc/schema.js';
import type { ApiKey, CallContext } from '../state/core.js';
import { endpointAtLeast } from '../version/releases.js';
import { parseClientFirst, type ScramExchange, scramKeyData, serverFirst, verifyClientFinal } from './scram.js';
import { userInfo } from './user-info.js';

type LoginResult = 'SUCCESS' | 'AUTH_ERR' | 'EXPIRED';

interface LoginOptions {
  user_info: boolean;
  reconnect_token?: boolean;
}

/** Checks a plain API key; revokes it when it arrives over an insecure transport. */
export function apiKeyLogin(ctx: CallContext, key: ApiKey | undefined): LoginResult {
  if (!key || key.revoked) {
    return 'AUTH_ERR';
  }
  if (!ctx.session.secure) {
    key.revoked = true;
    key.revokedReason = 'Attempt to use over an insecure transport';
    return 'EXPIRED';
  }
  authenticate(ctx, key.username);
  return 'SUCCESS';
}

function authenticate(ctx: CallContext, username: string): void {
  ctx.session.authenticated = true;
  ctx.session.username = username;
}

function success(ctx: CallContext, options: LoginOptions): Record<string, unknown> {
  const answer: Record<string, unknown> = {
    response_type: 'SUCCESS',
    user_info: options.user_info ? userInfo(ctx.session.username as string) : null,
    authenticator: 'LEVEL_1',
  };
  if (ctx.sim.personality.auth.reconnectToken) {
    answer.reconnect_token = options.reconnect_token ? issueToken(ctx) : null;
  }
  return answer;
}

/** A single-use reconnect token (26), good for one TOKEN_PLAIN login. */
function issueToken(ctx: CallContext): string {
  const token = randomBytes(32).toString('base64url');
  ctx.sim.tokens.set(token, ctx.session.username as string);
  return token;
}

function respond(ctx: CallContext, result: LoginResult, options: LoginOptions): Record<string, unknown> {
  return result === 'SUCCESS' ? success(ctx, options) : { response_type: result };
}

function mechanismSchemas(ctx: CallContext): Record<string, Schema> {
  const traits = ctx.sim.personality.auth;
  const loginOptions = s.obj({
    user_info: s.opt(s.bool(), true),
    ...(traits.reconnectToken ? { reconnect_token: s.opt(s.bool(), false) } : {}),
  });
  const withOptions = (fields: Record<string, ReturnType<typeof s.req>>) =>
    s.obj({ mechanism: s.req(s.str()), ...fields, login_options: s.opt(loginOptions, {}) });
  const schemas: Record<string, Schema> = {
    API_KEY_PLAIN: withOptions({ username: s.req(s.str()), api_key: s.req(s.str()) }),
    PASSWORD_PLAIN: withOptions({ username: s.req(s.str()), password: s.req(s.str()) }),
    TOKEN_PLAIN: withOptions({ token: s.req(s.str()) }),
    OTP_TOKEN: withOptions({ otp_token: s.req(s.str()) }),
  };
  if (traits.scram && endpointAtLeast(ctx.session.endpoint, 'v26.0.0')) {
    schemas.SCRAM = s.obj({
      mechanism: s.req(s.str()),
      scram_type: s.req(s.str({ enum: ['CLIENT_FIRST_MESSAGE', 'CLIENT_FINAL_MESSAGE'] })),
      rfc_str: s.req(s.str()),
    });
  }
  return schemas;
}

function scramFirst(ctx: CallContext, rfc: string): Record<string, unknown> {
  const first = parseClientFirst(rfc);
  const key = first && ctx.sim.apiKeys.find((k) => k.id === first.keyId && k.username === first.username);
  if (!first || !key || key.revoked || (first.gs2Header.startsWith('p=') && !ctx.session.tls)) {
    ctx.session.scram = undefined;
    return { response_type: 'AUTH_ERR' };
  }
  key.scram ??= scramKeyData(key.key, ctx.sim.knobs.scramIterations);
  const reply = serverFirst(first.nonce, key.scram);
  const exchange: ScramExchange = {
    key,
    gs2Header: first.gs2Header,
    clientFirstBare: first.bare,
    serverFirst: reply.text,
    nonce: reply.nonce,
  };
  ctx.session.scram = exchange;
  return { response_type: 'SCRAM_RESPONSE', scram_type: 'SERVER_FIRST_RESPONSE', rfc_str: reply.text, user_info: null };
}

function scramFinal(ctx: CallContext, rfc: string): Record<string, unknown> {
  const exchange = ctx.session.scram as ScramExchange | undefined;
  if (!exchange) {
    throw callError('SCRAM authentication is not in progress');
  }
  ctx.session.scram = undefined;
  const { key } = exchange;
  const verifier =
    key.scram && !key.revoked ? verifyClientFinal(exchange, key.scram, rfc, ctx.sim.tlsBinding) : undefined;
  if (!verifier) {
    return { response_type: 'AUTH_ERR' };
  }
  authenticate(ctx, key.username);
  return {
    response_type: 'SCRAM_RESPONSE',
    scram_type: 'SERVER_FINAL_RESPONSE',
    rfc_str: `v=${verifier}`,
    user_info: userInfo(key.username),
  };
}

export function loginEx(ctx: CallContext, data: Record<string, unknown>): Record<string, unknown> {
  const schemas = mechanismSchemas(ctx);
  const mechanism = String(data.mechanism ?? '');
  const schema = schemas[mechanism];
  if (!schema) {
    const tags = Object.keys(schemas)
      .map((t) => `'${t}'`)
      .join(', ');
    throw validationErrors([
      [
        'login_data',
        `Input tag '${mechanism}' found using 'mechanism' does not match any of the expected tags: ${tags}`,
      ],
    ]);
  }
  const problems: Array<[string | null, string, number]> = [];
  const value = check(data, schema, 'login_data', problems) as Record<string, unknown>;
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
  const options = value.login_options as LoginOptions;
  switch (mechanism) {
    case 'API_KEY_PLAIN': {
      const key = ctx.sim.findApiKey(value.api_key as string);
      return respond(ctx, apiKeyLogin(ctx, key && key.username === value.username ? key : undefined), options);
    }
    case 'PASSWORD_PLAIN': {
      if (ctx.sim.users.get(value.username as string) !== value.password) {
        return { response_type: 'AUTH_ERR' };
      }
      authenticate(ctx, value.username as string);
      return success(ctx, options);
    }
    case 'TOKEN_PLAIN': {
      const username = ctx.sim.tokens.get(value.token as string);
      if (username === undefined) {
        return { response_type: 'AUTH_ERR' };
      }
      ctx.sim.tokens.delete(value.token as string);
      authenticate(ctx, username);
      return success(ctx, options);
    }
    case 'SCRAM':
      return value.scram_type === 'CLIENT_FIRST_MESSAGE'
        ? scramFirst(ctx, value.rfc_str as string)
        : scramFinal(ctx, value.rfc_str as string);
    default:
      // OTP_TOKEN without a login asking for one (login_ex's check_auth_mechanism).
      throw callError(`${mechanism}: no authentication in progress`, errno.EINVAL);
  }
}
