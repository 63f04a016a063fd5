import { open } from 'node:fs/promises';
// A bare DSM Web API caller for simulator tests: no discovery, no retries, explicit encoding.
import { Agent, request } from 'undici';
import type { DsmSimulator } from '../../src/dsm/index.js';

export interface CallOptions {
  cgi?: 'query.cgi' | 'auth.cgi' | 'entry.cgi';
  method?: 'GET' | 'POST';
  sid?: string;
  /** Send the sid as cookie `id` instead of `_sid`. */
  cookie?: boolean;
  token?: string;
  localAddress?: string;
}

export interface DsmAnswer {
  status: number;
  body: { success: boolean; data?: Record<string, unknown>; error?: { code: number } };
  headers: Record<string, string | string[] | undefined>;
}

/** Values are sent as given: strings raw, everything else JSON-encoded. */
export async function call(
  sim: DsmSimulator,
  params: Record<string, unknown>,
  options: CallOptions = {},
): Promise<DsmAnswer> {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    form.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const headers: Record<string, string> = {};
  if (options.sid && options.cookie) {
    headers.cookie = `id=${options.sid}`;
  } else if (options.sid) {
    form.set('_sid', options.sid);
  }
  if (options.token) {
    headers['x-syno-token'] = options.token;
  }
  const method = options.method ?? 'POST';
  const path = `/webapi/${options.cgi ?? 'entry.cgi'}`;
  const url = method === 'GET' ? `${sim.url}${path}?${form}` : `${sim.url}${path}`;
  if (method === 'POST') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const agent = options.localAddress ? new Agent({ localAddress: options.localAddress }) : undefined;
  const response = await request(url, {
    method,
    headers,
    body: method === 'POST' ? form.toString() : undefined,
    ...(agent ? { dispatcher: agent } : {}),
  });
  const text = await response.body.text();
  await agent?.close();
  let body: DsmAnswer['body'];
  try {
    body = JSON.parse(text) as DsmAnswer['body'];
  } catch {
    body = { success: false, error: { code: -1 } };
  }
  return { status: response.statusCode, body, headers: response.headers };
}

export async function login(
  sim: DsmSimulator,
  extra: Record<string, unknown> = {},
  credentials = { account: 'admin', passwd: 'synology-sim-password' },
): Promise<DsmAnswer> {
  return call(sim, { api: 'SYNO.API.Auth', version: '6', method: 'login', format: 'sid', ...credentials, ...extra });
}

export async function sid(sim: DsmSimulator): Promise<string> {
  const answer = await login(sim);
  return String(answer.body.data?.sid);
}

/** A SYNO.Core.ISCSI.LUN / Target / ... call with a session; returns data or throws the code. */
export async function api(
  sim: DsmSimulator,
  session: string,
  apiName: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const answer = await call(sim, { api: apiName, version: '1', method, ...params }, { sid: session });
  if (!answer.body.success) {
    throw Object.assign(new Error(`DSM ${answer.body.error?.code}`), { code: answer.body.error?.code });
  }
  return answer.body.data ?? {};
}

export async function code(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

export const q = (s: string): string => JSON.stringify(s);
export const GiB = 1024 ** 3;

/** The first `n` bytes of a (large, sparse) file, without reading the rest. */
export async function head(file: string, n: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(n);
    await handle.read(buffer, 0, n, 0);
    return buffer.toString();
  } finally {
    await handle.close();
  }
}
