// Counts the contract operations a CSP serves (one fastify hook, added before it listens).
import type { CspApp } from '@opencsp/csp-spec/server';

export function countRequests(csp: CspApp): () => number {
  let count = 0;
  csp.app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.operationId) {
      count++;
    }
  });
  return () => count;
}
