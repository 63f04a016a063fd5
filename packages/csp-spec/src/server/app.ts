// The fastify application every TypeScript CSP shares: contract routes generated from the OpenAPI
// document, request and response validation, session tokens, the error catalog, health
// endpoints and served API docs. A CSP supplies only a `CspProvider`.
import { createRequire } from 'node:module';
import type { Server as TlsServer } from 'node:tls';
import type FastifyModule from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import type { KitMetrics } from '../metrics/types.js';
import type { Capacity, Config, TokenRequest } from '../types.js';
import { type ContractRoute, contractRoutes } from './contract.js';
import { registerLazyDocs } from './docs.js';
import { CspProblem, errorBody, invalidInput } from './errors.js';
import {
  clientErrorHandler,
  errorHandler,
  frameworkErrors,
  notFoundHandler,
  pathPatterns,
  refuseWhileClosing,
  requireHost,
} from './framework-errors.js';
import { type Handler, sessionHandlers } from './handlers.js';
import { KeyedMutex } from './locks.js';
import type { ArraySession, CspProvider } from './provider.js';
import { CertificateReloader, type ServingTls } from './serving-tls.js';
import { type TokenEntry, TokenStore } from './tokens.js';
import { contractRequestValidator, type HttpPart, responseProblem } from './validation.js';
import { malformedTextAt } from './well-formed.js';

export type ResponseValidation = 'off' | 'log' | 'strict';

export interface CspAppOptions {
  provider: CspProvider;
  logger: Logger;
  /** A token unused this long expires (default 1 h). */
  tokenIdleTtlMs?: number;
  /** A token expires this long after login (default 24 h). */
  tokenMaxTtlMs?: number;
  /**
   * Check response bodies against the contract: `log` reports a mismatch, `strict` turns it into a
   * 500 (tests), `off` (the default) checks nothing: the contract's suites check CSPs, and checking
   * every response costs a production CSP CPU and about 3 MiB of compiled validators.
   */
  responseValidation?: ResponseValidation;
  /** Serve the OpenAPI document and Swagger UI under /docs (default true). */
  docs?: boolean;
  /** Where to report requests, sessions and capacity (metrics on); absent: nothing is measured. */
  metrics?: KitMetrics;
  /** Serve HTTPS with these files (followed for changes); without it the app serves plain HTTP. */
  tls?: ServingTls;
}

export interface CspApp {
  app: FastifyInstance;
  tokens: TokenStore;
  /** The serving certificate, when the app serves HTTPS. */
  certificates: CertificateReloader | undefined;
  /** Stops accepting requests, waits for in-flight ones, closes every array session and the provider. */
  shutdown(): Promise<void>;
  /** Where this CSP serves its metrics (metrics on). */
  metricsUrl?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    cspToken: TokenEntry | undefined;
  }
  interface FastifyContextConfig {
    operationId?: string;
  }
}

// CommonJS, loaded with require (see ../runtime.ts).
const Fastify = createRequire(import.meta.url)('fastify') as typeof FastifyModule;

const hour = 3_600_000;

/**
 * fastify's schema compilers: every contract route brings its own validator compiler (the build-time
 * validators, below), so a route reaching this one has a schema the kit did not generate for.
 * Responses are plain JSON.
 */
const compilersFactory = {
  buildValidator:
    () =>
    ({ method, url }: { method?: string; url?: string }) => {
      throw new Error(`${method} ${url}: a route with a schema but no generated validator`);
    },
  buildSerializer: () => () => (data: unknown) => JSON.stringify(data),
};

function tokenFrom(request: FastifyRequest): string | undefined {
  const value = request.headers['x-auth-token'];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The route label of a request: its contract operation, a kit endpoint, or `unmatched`. */
function routeLabel(request: FastifyRequest): string {
  const operationId = request.routeOptions.config?.operationId;
  if (operationId) {
    return operationId;
  }
  const url = request.routeOptions.url;
  if (url === '/healthz' || url === '/readyz') {
    return url.slice(1);
  }
  return url?.startsWith('/docs') ? 'docs' : 'unmatched';
}

function reportCapacity(metrics: KitMetrics, provider: CspProvider, body: unknown, answer: unknown): void {
  const capacity = answer as Partial<Capacity> | undefined;
  if (typeof capacity?.available_bytes !== 'number') {
    return;
  }
  const config = (body as { config?: Config } | undefined)?.config ?? {};
  metrics.capacity(provider.capacityPool?.(config) ?? '', capacity.available_bytes, capacity.total_bytes);
}

export async function buildCspApp(options: CspAppOptions): Promise<CspApp> {
  const { provider, logger } = options;
  const validation = options.responseValidation ?? 'off';
  const locks = new KeyedMutex();
  let closing = false;
  const closeSession = (session: ArraySession) =>
    session.close().catch((err: unknown) => logger.warn({ err }, 'closing an array session failed'));
  const tokens = new TokenStore({
    idleTtlMs: options.tokenIdleTtlMs ?? hour,
    maxTtlMs: options.tokenMaxTtlMs ?? 24 * hour,
    onExpire: (entry) => void closeSession(entry.session),
  });

  const routes = contractRoutes();
  const certificates = options.tls ? await CertificateReloader.load(options.tls, logger) : undefined;
  const serverOptions = {
    loggerInstance: logger as FastifyBaseLogger,
    // The kit logs one line per contract request itself (onResponse below).
    logController: new Fastify.LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 512 },
    bodyLimit: 1024 * 1024,
    // A whole request (headers and body) must arrive within a minute.
    requestTimeout: 60_000,
    // The kit answers these itself, in the contract's error body (framework-errors.ts).
    return503OnClosing: false,
    frameworkErrors,
    // The contract's own validators (validation.ts), and plain JSON for responses (the kit checks
    // them itself): fastify then never loads its default Ajv and serializer compilers.
    // (fastify types these factories for Ajv; ours take the same route object.)
    schemaController: { compilersFactory: compilersFactory as never },
    clientErrorHandler,
    ...(certificates
      ? { https: { ...certificates.pair, minVersion: 'TLSv1.2', requireHostHeader: false } }
      : { http: { requireHostHeader: false } }),
  };
  // The HTTPS variant of the options has its own type; the instance is used the same way.
  const app = Fastify(serverOptions as FastifyServerOptions) as unknown as FastifyInstance;
  certificates?.attach(app.server as unknown as TlsServer);
  app.decorateRequest('cspToken', undefined);
  // Request bodies are JSON or nothing: anything else is 415, not a string handed to validation.
  app.removeContentTypeParser('text/plain');
  app.addHook(
    'onRequest',
    refuseWhileClosing(() => closing),
  );
  app.addHook('onRequest', requireHost);
  app.addHook('preValidation', async (request) => {
    const field = malformedTextAt(request.body, 'body');
    if (field) {
      throw invalidInput(field, 'is not well-formed Unicode text (it holds a lone UTF-16 surrogate)');
    }
  });

  const docs = options.docs !== false ? registerLazyDocs(app) : undefined;

  app.get('/healthz', { logLevel: 'silent' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'silent' }, async (_request, reply) =>
    closing
      ? reply.code(503).send(errorBody(503, 'the CSP is shutting down', { reason: 'UNAVAILABLE' }))
      : { status: 'ready', provider: provider.name },
  );

  const { metrics } = options;
  if (metrics) {
    metrics.sessions(() => tokens.size);
    app.addHook('onResponse', async (request, reply) => {
      metrics.request(routeLabel(request), reply.statusCode, reply.elapsedTime / 1000);
    });
  }
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.config;
    if (route?.operationId) {
      request.log.info(
        { op: route.operationId, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'csp request',
      );
    }
  });

  app.setNotFoundHandler(notFoundHandler(pathPatterns(routes)));
  app.setErrorHandler(errorHandler);

  const authenticate = async (request: FastifyRequest) => {
    const token = tokenFrom(request);
    const entry = token ? tokens.resolve(token) : undefined;
    if (!entry) {
      throw new CspProblem('UNAUTHENTICATED', 'session token is missing, unknown or expired; log in again');
    }
    const arrayIp = request.headers['x-array-ip'];
    if (
      typeof arrayIp === 'string' &&
      arrayIp !== '' &&
      arrayIp !== entry.arrayIp &&
      arrayIp !== entry.session.arrayAddress
    ) {
      throw new CspProblem('UNAUTHENTICATED', 'session token was issued for another array');
    }
    request.cspToken = entry;
  };

  const respond = (route: ContractRoute, reply: FastifyReply, status: number, body: unknown) => {
    const schema = route.responses.get(status);
    if (validation !== 'off' && schema) {
      const problem = responseProblem(schema, body);
      if (problem) {
        reply.log.error({ op: route.operationId, problem }, 'response does not match the contract');
        if (validation === 'strict') {
          throw new Error(`response of ${route.operationId} does not match the contract: ${problem}`);
        }
      }
    }
    return status === 204 ? reply.code(204).send() : reply.code(status).send(body);
  };

  const tokenHandlers: Record<string, (request: FastifyRequest) => Promise<{ status: number; body?: unknown }>> = {
    createToken: async (request) => {
      const body = request.body as TokenRequest;
      const arrayIp = body.array_ip ? body.array_ip : undefined;
      const session = await provider.openSession({ username: body.username, password: body.password, arrayIp });
      const { token, entry } = tokens.issue(session, body.username, arrayIp);
      const answer: Record<string, unknown> = {
        id: entry.id,
        username: entry.username,
        session_token: token,
        creation_time: Math.floor(entry.createdAt / 1000),
        expiry_time: Math.floor(entry.expiresAt / 1000),
      };
      if (arrayIp) {
        answer.array_ip = arrayIp;
      }
      return { status: 200, body: answer };
    },
    deleteToken: async (request) => {
      if (!tokens.revoke((request.params as { id: string }).id)) {
        throw new CspProblem('NOT_FOUND', 'token not found');
      }
      return { status: 204 };
    },
  };

  for (const route of routes) {
    const sessionHandler: Handler | undefined = sessionHandlers[route.operationId];
    const tokenHandler = tokenHandlers[route.operationId];
    if (!sessionHandler && !tokenHandler) {
      throw new Error(`the contract has an operation without a handler: ${route.operationId}`);
    }
    app.route({
      method: route.method,
      url: route.url,
      schema: route.request,
      validatorCompiler: ({ httpPart }) =>
        contractRequestValidator(route.operationId, (httpPart ?? 'body') as HttpPart),
      config: { operationId: route.operationId },
      ...(route.secured ? { onRequest: authenticate } : {}),
      handler: async (request, reply) => {
        if (tokenHandler) {
          const result = await tokenHandler(request);
          return respond(route, reply, result.status, result.body);
        }
        const entry = request.cspToken as TokenEntry;
        const result = await (sessionHandler as Handler)({
          session: entry.session,
          params: request.params as Record<string, string>,
          query: (request.query ?? {}) as Record<string, unknown>,
          body: request.body,
          locks,
        });
        if (metrics && route.operationId === 'queryCapacity') {
          reportCapacity(metrics, provider, request.body, result.body);
        }
        for (const [name, value] of Object.entries(result.headers ?? {})) {
          reply.header(name, value);
        }
        return respond(route, reply, result.status, result.body);
      },
    });
  }

  // Sweep at least twice per idle TTL (between 1 s and 60 s), so an expired token's array session
  // closes soon after expiry even when nobody presents the token again.
  tokens.start(Math.min(60_000, Math.max(1000, Math.floor((options.tokenIdleTtlMs ?? hour) / 2))));
  const shutdown = async () => {
    closing = true;
    certificates?.close();
    await app.close();
    await docs?.close();
    await Promise.all(tokens.drain().map(closeSession));
    await provider.close();
  };
  return { app, tokens, certificates, shutdown };
}
