// HTTP(S) front of the simulator: `GET /api/versions`, and WebSocket upgrades on `/api/current`
// and `/api/<version>` (the versioned JSON-RPC endpoints of TrueNAS 25.04+), plus the test-only
// routes registered in `sim.routes` (under /_sim/).
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { SimRoutes, TlsMaterial } from '../../common/index.js';
import type { MethodTable } from '../rpc/registry.js';
import type { CallContext, SimCore } from '../state/core.js';
import { resolveRelease } from '../version/releases.js';
import { RpcConnection } from './connection.js';
import { aiohttpDeflate, normalizeDeflateOffer } from './deflate.js';

/** API directories `GET /api/versions` lists for a release (`v25.10.0` style), oldest first. */
export function apiVersions(version: string): string[] {
  return resolveRelease(version).listed;
}

export interface ListeningServer {
  server: Server;
  wss: WebSocketServer;
  connections: Set<RpcConnection>;
}

export function createSimServer(
  sim: SimCore,
  methods: MethodTable<CallContext>,
  tls: TlsMaterial | undefined,
  routes: SimRoutes,
): ListeningServer {
  const { listed, served } = sim.personality.release;
  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    if (await routes.serve(req, res, new URL(req.url ?? '/', 'http://truenas'))) {
      return;
    }
    if (req.method === 'GET' && req.url === '/api/versions') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(listed));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found');
  };
  const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, onRequest) : createHttpServer(onRequest);
  // permessage-deflate as aiohttp negotiates it (deflate.ts): the offer is rewritten per upgrade.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024, perMessageDeflate: aiohttpDeflate });
  const connections = new Set<RpcConnection>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const version = path.startsWith('/api/') ? path.slice('/api/'.length) : '';
    if (version !== 'current' && !served.includes(version)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    normalizeDeflateOffer(req);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new RpcConnection(ws, sim, methods, {
        tls: tls !== undefined,
        endpoint: version,
        remoteAddress: req.socket.remoteAddress ?? '',
      });
      connections.add(connection);
      ws.on('close', () => connections.delete(connection));
      ws.on('error', () => ws.terminate());
    });
  });
  return { server, wss, connections };
}
