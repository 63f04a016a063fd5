// The metrics endpoint: a plain node:http server on its own address, separate from the CSP's
// contract port (which serves TLS and admits only the controller) and from the driver's unix
// socket. GET (and HEAD) of the configured path answer the exposition text; anything else 404/405.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http } from '../node-http.js';
import type { MetricsHub } from './hub.js';

export interface MetricsAddress {
  host: string;
  port: number;
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9811/metrics */
  readonly url: string;
  close(): Promise<void>;
}

export async function serveMetrics(hub: MetricsHub, address: MetricsAddress, path: string): Promise<MetricsServer> {
  const server: Server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    const requested = url.split('?', 1)[0];
    if (requested !== path) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`metrics are served at ${path}\n`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    hub.expose().then(
      (text) => {
        response.writeHead(200, { 'content-type': hub.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`collecting metrics failed: ${String(err)}\n`);
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
