// API discovery with SYNO.API.Info: where each API lives, which version to speak (the highest the
// NAS offers, capped at the version this client was written against) and how to encode parameters.
import type { DsmTransport } from './transport.js';

export interface ApiInfo {
  path: string;
  minVersion: number;
  maxVersion: number;
  requestFormat?: string;
}

/** The APIs this client needs and the version range it speaks. */
export const requiredApis: Readonly<Record<string, { min: number; max: number }>> = {
  // v6 brings device tokens (2-step verification) and the SynoToken.
  'SYNO.API.Auth': { min: 6, max: 6 },
  'SYNO.Core.System': { min: 1, max: 1 },
  'SYNO.Core.Storage.Volume': { min: 1, max: 1 },
  'SYNO.Core.ISCSI.LUN': { min: 1, max: 1 },
  'SYNO.Core.ISCSI.Target': { min: 1, max: 1 },
};

/** APIs used when the NAS offers them: DSM 7 host objects (masking mode `hosts`). */
export const optionalApis: Readonly<Record<string, { min: number; max: number }>> = {
  'SYNO.Core.ISCSI.Host': { min: 1, max: 1 },
};

function usable(offered: ApiInfo, wanted: { min: number; max: number }): ApiEndpoint | undefined {
  const version = Math.min(offered.maxVersion, wanted.max);
  if (version < Math.max(offered.minVersion, wanted.min)) {
    return undefined;
  }
  return { path: offered.path, version, json: offered.requestFormat === 'JSON' };
}

export interface ApiEndpoint {
  path: string;
  version: number;
  json: boolean;
}

export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

export class ApiCatalog {
  readonly #endpoints: Map<string, ApiEndpoint>;

  constructor(endpoints: Map<string, ApiEndpoint>) {
    this.#endpoints = endpoints;
  }

  static fromInfo(info: Record<string, ApiInfo>): ApiCatalog {
    const endpoints = new Map<string, ApiEndpoint>();
    const problems: string[] = [];
    for (const [api, wanted] of Object.entries(requiredApis)) {
      const offered = info[api];
      if (!offered) {
        problems.push(`${api} is not offered (DSM 7 with SAN Manager is required)`);
        continue;
      }
      const endpoint = usable(offered, wanted);
      if (!endpoint) {
        problems.push(
          `${api} versions ${offered.minVersion}-${offered.maxVersion} do not include ${wanted.min}-${wanted.max}`,
        );
        continue;
      }
      endpoints.set(api, endpoint);
    }
    if (problems.length > 0) {
      throw new DiscoveryError(`this DSM cannot be used: ${problems.join('; ')}`);
    }
    for (const [api, wanted] of Object.entries(optionalApis)) {
      const offered = info[api];
      const endpoint = offered && usable(offered, wanted);
      if (endpoint) {
        endpoints.set(api, endpoint);
      }
    }
    return new ApiCatalog(endpoints);
  }

  /** Whether the NAS offers the API in a version this client speaks. */
  has(api: string): boolean {
    return this.#endpoints.has(api);
  }

  endpoint(api: string): ApiEndpoint {
    const endpoint = this.#endpoints.get(api);
    if (!endpoint) {
      throw new DiscoveryError(`API ${api} was not discovered`);
    }
    return endpoint;
  }
}

/** Asks `query.cgi` (no session needed) about the APIs this client uses. */
export async function discover(transport: DsmTransport): Promise<ApiCatalog> {
  const envelope = await transport.post('query.cgi', [
    ['api', 'SYNO.API.Info'],
    ['version', '1'],
    ['method', 'query'],
    ['query', [...Object.keys(requiredApis), ...Object.keys(optionalApis)].join(',')],
  ]);
  if (!envelope.success || typeof envelope.data !== 'object' || envelope.data === null) {
    throw new DiscoveryError(`SYNO.API.Info failed with DSM error ${envelope.error?.code ?? 'unknown'}`);
  }
  return ApiCatalog.fromInfo(envelope.data as Record<string, ApiInfo>);
}
