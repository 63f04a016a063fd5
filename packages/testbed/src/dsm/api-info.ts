// SYNO.API.Info: which APIs exist, where (`path`), in which versions and with which request
// format. Clients are expected to discover this instead of hard-coding paths and versions.
import { codes, DsmError } from './codes.js';
import type { Params } from './params.js';

export interface ApiDescriptor {
  path: 'query.cgi' | 'auth.cgi' | 'entry.cgi';
  minVersion: number;
  maxVersion: number;
  /** `JSON`: every parameter value is JSON-decoded (falling back to the raw text). */
  requestFormat?: 'JSON';
  /** Callable without a session. */
  public?: boolean;
}

export const apiTable: Readonly<Record<string, ApiDescriptor>> = {
  'SYNO.API.Info': { path: 'query.cgi', minVersion: 1, maxVersion: 1, public: true },
  // DSM 7 advertises the Auth API on entry.cgi; auth.cgi keeps answering for older clients.
  'SYNO.API.Auth': { path: 'entry.cgi', minVersion: 1, maxVersion: 7, public: true },
  'SYNO.Core.System': { path: 'entry.cgi', minVersion: 1, maxVersion: 3, requestFormat: 'JSON' },
  'SYNO.Core.Storage.Volume': { path: 'entry.cgi', minVersion: 1, maxVersion: 1, requestFormat: 'JSON' },
  'SYNO.Core.ISCSI.LUN': { path: 'entry.cgi', minVersion: 1, maxVersion: 1, requestFormat: 'JSON' },
  'SYNO.Core.ISCSI.Target': { path: 'entry.cgi', minVersion: 1, maxVersion: 1, requestFormat: 'JSON' },
  // DSM 7 SAN Manager's host objects (absent on DSM 6, where masking lived on targets).
  'SYNO.Core.ISCSI.Host': { path: 'entry.cgi', minVersion: 1, maxVersion: 1, requestFormat: 'JSON' },
};

/** Finds the API and checks the version; throws the code DSM answers otherwise. */
export function describe(api: string, version: number, hidden: ReadonlySet<string> = new Set()): ApiDescriptor {
  const descriptor = hidden.has(api) ? undefined : apiTable[api];
  if (!descriptor) {
    throw new DsmError(codes.noSuchApi, api);
  }
  if (!Number.isInteger(version) || version < descriptor.minVersion || version > descriptor.maxVersion) {
    throw new DsmError(codes.versionUnsupported, `${api} v${version}`);
  }
  return descriptor;
}

/** `SYNO.API.Info query` with `query=all` or a comma-separated list of API names. */
export function queryApiInfo(params: Params, hidden: ReadonlySet<string> = new Set()): Record<string, ApiDescriptor> {
  const query = params.raw('query') ?? 'all';
  const names = query === 'all' ? Object.keys(apiTable) : query.split(',').map((s) => s.trim());
  const answer: Record<string, ApiDescriptor> = {};
  for (const name of names) {
    const descriptor = hidden.has(name) ? undefined : apiTable[name];
    if (descriptor) {
      const { public: _public, ...shown } = descriptor;
      answer[name] = shown;
    }
  }
  return answer;
}
