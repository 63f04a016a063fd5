// A small Kubernetes REST client for the tests: TLS to the apiserver with the run's CA, either a
// client certificate (admin, nodes) or a bearer token (service accounts). Resource paths come
// from the apiserver's discovery, so any object of the chart or the CRDs can be applied by kind.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    resourceVersion?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface KubeCredentials {
  server: string;
  caFile: string;
  /** Client certificate and key files. */
  cert?: { cert: string; key: string };
  /** A bearer token (service accounts). */
  token?: string;
}

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

interface Resource {
  plural: string;
  namespaced: boolean;
}

interface DiscoveryList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

export class KubeClient {
  private readonly agent: Agent;
  private readonly discovery = new Map<string, Promise<Map<string, Resource>>>();

  constructor(readonly credentials: KubeCredentials) {
    const ca = readFileSync(credentials.caFile);
    const tls = credentials.cert
      ? { ca, cert: readFileSync(credentials.cert.cert), key: readFileSync(credentials.cert.key) }
      : { ca };
    this.agent = new Agent({ connect: tls });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** One REST call; JSON in and out. Throws KubeApiError on any non-2xx answer. */
  async call<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.credentials.token) {
      headers.authorization = `Bearer ${this.credentials.token}`;
    }
    if (body !== undefined) {
      headers['content-type'] = contentType;
    }
    const res = await request(`${this.credentials.server}${path}`, {
      method: method as 'GET',
      headers,
      dispatcher: this.agent,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) {
      let reason = 'Unknown';
      let message = text;
      try {
        const status = JSON.parse(text) as { reason?: string; message?: string };
        reason = status.reason ?? reason;
        message = status.message ?? message;
      } catch {}
      throw new KubeApiError(res.statusCode, reason, `${method} ${path}: ${res.statusCode} ${message}`);
    }
    const json = String(res.headers['content-type'] ?? '').includes('json');
    return (text === '' ? undefined : json ? JSON.parse(text) : text) as T;
  }

  private resources(apiVersion: string): Promise<Map<string, Resource>> {
    let found = this.discovery.get(apiVersion);
    if (found === undefined) {
      const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      found = this.call<DiscoveryList>('GET', base).then(
        (list) =>
          new Map(
            list.resources
              .filter((r) => !r.name.includes('/'))
              .map((r) => [r.kind, { plural: r.name, namespaced: r.namespaced }] as const),
          ),
      );
      // A failed lookup (a CRD not established yet) is not remembered.
      found.catch(() => this.discovery.delete(apiVersion));
      this.discovery.set(apiVersion, found);
    }
    return found;
  }

  /** The collection path of a kind (in `namespace` when the kind is namespaced). */
  async collection(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const resource = (await this.resources(apiVersion)).get(kind);
    if (resource === undefined) {
      this.discovery.delete(apiVersion);
      throw new Error(`the apiserver serves no ${kind} in ${apiVersion}`);
    }
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (!resource.namespaced) {
      return `${base}/${resource.plural}`;
    }
    if (namespace === undefined) {
      throw new Error(`${kind} is namespaced: a namespace is needed`);
    }
    return `${base}/namespaces/${namespace}/${resource.plural}`;
  }

  async path(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<string> {
    return `${await this.collection(ref.apiVersion, ref.kind, ref.namespace)}/${encodeURIComponent(ref.name)}`;
  }

  async create<T extends KubeObject>(object: T): Promise<T> {
    const path = await this.collection(object.apiVersion, object.kind, object.metadata.namespace);
    return this.call<T>('POST', path, object);
  }

  /** Creates the object, or replaces the one of that name (keeping its resourceVersion). */
  async apply<T extends KubeObject>(object: T): Promise<T> {
    try {
      return await this.create(object);
    } catch (err) {
      if (!(err instanceof KubeApiError) || err.reason !== 'AlreadyExists') {
        throw err;
      }
    }
    const path = await this.path({ ...object, ...object.metadata });
    const current = await this.call<KubeObject>('GET', path);
    return this.call<T>('PUT', path, {
      ...object,
      metadata: { ...object.metadata, resourceVersion: current.metadata.resourceVersion },
    });
  }

  async get<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<T | undefined> {
    try {
      return await this.call<T>(
        'GET',
        await this.path({ apiVersion, kind, name, ...(namespace ? { namespace } : {}) }),
      );
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) {
        return undefined;
      }
      throw err;
    }
  }

  async list<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    namespace?: string,
    query = '',
  ): Promise<T[]> {
    const path = await this.collection(apiVersion, kind, namespace);
    const list = await this.call<{ items: T[] }>('GET', `${path}${query ? `?${query}` : ''}`);
    return list.items.map((item) => ({ ...item, apiVersion, kind }));
  }

  /** Deletes an object; absent is fine. */
  async delete(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<void> {
    try {
      await this.call('DELETE', await this.path(ref));
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) {
        throw err;
      }
    }
  }

  /** A JSON merge patch, on the object or one of its subresources (`status`). */
  async patch<T extends KubeObject = KubeObject>(
    ref: { apiVersion: string; kind: string; name: string; namespace?: string },
    patch: unknown,
    subresource?: string,
  ): Promise<T> {
    const path = `${await this.path(ref)}${subresource ? `/${subresource}` : ''}`;
    return this.call<T>('PATCH', path, patch, 'application/merge-patch+json');
  }
}
