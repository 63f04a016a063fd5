// The served API docs (`/docs`: Swagger UI, `/docs/json`, `/docs/yaml`), loaded on first use. The
// Swagger UI plugin, its static file server and their dependencies are a large part of a CSP's
// memory, and most CSPs never get a docs request: `/docs*` is answered by a small fastify app built
// on the first such request and reached with `inject`, so nothing of it is loaded before.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadOpenApiDocument } from '../spec.js';

async function buildDocsApp(): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: swagger }, { default: swaggerUi }] = await Promise.all([
    import('fastify'),
    import('@fastify/swagger'),
    import('@fastify/swagger-ui'),
  ]);
  const docs = Fastify({ logger: false });
  await docs.register(swagger, { mode: 'static', specification: { document: loadOpenApiDocument() as never } });
  await docs.register(swaggerUi, { routePrefix: '/docs' });
  await docs.ready();
  return docs;
}

/** Headers not forwarded from the docs app (the outer server sets its own). */
const hopHeaders = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', 'content-length']);

/** Serves `/docs` and everything below it from the docs app, built when first asked for. */
export function registerLazyDocs(app: FastifyInstance): { close(): Promise<void> } {
  let docsApp: Promise<FastifyInstance> | undefined;
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    docsApp ??= buildDocsApp().catch((err: unknown) => {
      docsApp = undefined;
      throw err;
    });
    const answer = await (await docsApp).inject({
      method: request.method as 'GET' | 'HEAD',
      url: request.url,
      headers: { accept: request.headers.accept ?? '*/*' },
    });
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !hopHeaders.has(name)) {
        reply.header(name, value);
      }
    }
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  app.route({ method: ['GET', 'HEAD'], url: '/docs', logLevel: 'silent', handler: forward });
  app.route({ method: ['GET', 'HEAD'], url: '/docs/*', logLevel: 'silent', handler: forward });
  return {
    async close() {
      const built = docsApp;
      docsApp = undefined;
      await built?.then((docs) => docs.close()).catch(() => undefined);
    },
  };
}
