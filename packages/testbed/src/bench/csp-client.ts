// A logged-in CSP client for benchmarks that talk to a CSP directly, with a connection pool wide
// enough for the concurrency being measured, closed with the benchmark's scope.
import { CspClient, StaticToken } from '@opencsp/csp-spec/client';
import type { ArrayStack } from './arrays/index.js';
import type { Scope } from './scope.js';

export async function cspClient(stack: ArrayStack, scope: Scope, connections = 64): Promise<CspClient> {
  const client = new CspClient({
    baseUrl: stack.baseUrl,
    connections,
    retries: 0,
    timeoutMs: 120_000,
    tls: { ca: stack.ca },
  });
  scope.defer('CSP client', () => client.close());
  const token = await client.login(stack.credentials);
  client.useTokens(new StaticToken(token.session_token));
  return client;
}

/** Hosts (nodes) the benchmarks publish to, registered with the CSP as the driver would. */
export async function registerNodes(client: CspClient, count: number, prefix = 'bench-node'): Promise<string[]> {
  const nodes = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  for (const node of nodes) {
    await client.upsertHost({ uuid: node, name: node, iqns: [`iqn.2005-10.org.example:${node}`] });
  }
  return nodes;
}

export async function removeNodes(client: CspClient, nodes: string[]): Promise<void> {
  for (const node of nodes) {
    await client.deleteHostByUuid(node);
  }
}
