// One DSM Web API request: find the API and method, check the version and the cgi path, resolve
// the session (cookie `id` or `_sid`, SynoToken, administrator rights) and run the handler.
// Handlers run one at a time, as DSM serialises SAN operations internally.
import type { IncomingMessage } from 'node:http';
import type { CallCounter } from '../common/index.js';
import { describe, queryApiInfo } from './api-info.js';
import type { Authenticator } from './auth.js';
import { codes, DsmError } from './codes.js';
import type { ApiHandlers } from './context.js';
import { clientIp, cookies } from './http.js';
import type { Knobs } from './knobs.js';
import { Params } from './params.js';
import type { DsmState } from './state.js';

/** DSM's answer: always HTTP 200 with the envelope, plus headers (the login cookie). */
export interface Answer {
  body: { success: boolean; data?: unknown; error?: { code: number } };
  headers: Record<string, string>;
}

const success = (data: unknown, headers: Record<string, string> = {}): Answer => ({
  body: data === undefined ? { success: true } : { success: true, data },
  headers,
});

export interface Dispatcher {
  state: DsmState;
  auth: Authenticator;
  knobs: Knobs;
  handlers: Record<string, ApiHandlers>;
  calls: CallCounter;
  /** Rows DSM sent back: elements of listed collections (`luns`, `targets`, `snapshots`...). */
  rows: { returned: number };
  /** APIs this NAS does not have (`SYNO.Core.ISCSI.Host` on DSM 6) and methods it lacks ("api.method"). */
  absent: { apis: ReadonlySet<string>; methods: ReadonlySet<string> };
  /** Runs handler work one call at a time. */
  serialize<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Rows in an answer: the elements of its lists (and the snapshots listed inside listed LUNs), and
 * one for each single object it answers (`lun`, `snapshot`, `target`, `host`...).
 */
export function answerRows(data: unknown): number {
  if (data === null || typeof data !== 'object') {
    return 0;
  }
  let rows = 0;
  for (const value of Object.values(data)) {
    if (!Array.isArray(value)) {
      rows += value !== null && typeof value === 'object' ? 1 : 0;
      continue;
    }
    rows += value.length;
    for (const item of value) {
      const nested = (item as { snapshots?: unknown } | null)?.snapshots;
      rows += Array.isArray(nested) ? nested.length : 0;
    }
  }
  return rows;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

async function run(d: Dispatcher, req: IncomingMessage, cgi: string, raw: Map<string, string>): Promise<Answer> {
  const api = raw.get('api');
  const method = raw.get('method');
  const versionText = raw.get('version');
  if (!api || !method || !versionText) {
    throw new DsmError(codes.missingApiMethodVersion);
  }
  const descriptor = describe(api, Number(versionText), d.absent.apis);
  const legacyAuth = api === 'SYNO.API.Auth' && cgi === 'auth.cgi';
  if (descriptor.path !== cgi && !legacyAuth) {
    throw new DsmError(codes.noSuchApi, `${api} is not served by ${cgi}`);
  }
  d.calls.record(`${api}.${method}`);
  const params = new Params(raw, descriptor.requestFormat === 'JSON');
  const ip = clientIp(req);
  const sid = raw.get('_sid') ?? cookies(req).get('id');
  if (api === 'SYNO.API.Info') {
    if (method !== 'query') {
      throw new DsmError(codes.noSuchMethod, method);
    }
    return success(queryApiInfo(params, d.absent.apis));
  }
  if (api === 'SYNO.API.Auth') {
    if (method === 'login') {
      const result = d.auth.login(params, ip);
      const headers: Record<string, string> = result.cookieSid
        ? { 'set-cookie': `id=${result.cookieSid}; path=/; HttpOnly` }
        : {};
      return success(result.data, headers);
    }
    if (method === 'logout') {
      if (sid) {
        d.auth.sessions.logout(sid);
      }
      return success(undefined);
    }
    throw new DsmError(codes.noSuchMethod, method);
  }
  const token = header(req, 'x-syno-token') ?? raw.get('SynoToken');
  const session = d.auth.sessions.resolve(sid, ip, token);
  if (!d.auth.isAdmin(session.account)) {
    throw new DsmError(codes.noPermission, 'administrators only');
  }
  const handler = d.absent.methods.has(`${api}.${method}`) ? undefined : d.handlers[api]?.[method];
  if (!handler) {
    throw new DsmError(codes.noSuchMethod, `${api}.${method}`);
  }
  const data = await d.serialize(async () => {
    const now = Date.now();
    await d.state.reap(now);
    return handler({ params, state: d.state, knobs: d.knobs, now });
  });
  d.rows.returned += answerRows(data);
  return success(data);
}

export async function dispatch(
  d: Dispatcher,
  req: IncomingMessage,
  cgi: string,
  raw: Map<string, string>,
): Promise<Answer> {
  try {
    return await run(d, req, cgi, raw);
  } catch (err) {
    return {
      body: { success: false, error: { code: err instanceof DsmError ? err.code : codes.unknown } },
      headers: {},
    };
  }
}
