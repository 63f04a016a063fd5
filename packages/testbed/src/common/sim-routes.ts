// Test-only HTTP routes a simulator serves beside its array API, by path prefix (e.g. the node
// API under /_sim/node/ that the simulator commands register for nodes in other processes).
import type { IncomingMessage, ServerResponse } from 'node:http';

export type SimRouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export class SimRoutes {
  readonly #routes = new Map<string, SimRouteHandler>();

  /** Serves `prefix` without its last `/` and every path below it (`/_sim/<name>/...`). */
  add(prefix: string, handler: SimRouteHandler): void {
    if (!/^\/_sim\/([a-z0-9-]+\/)+$/.test(prefix)) {
      throw new Error(`simulator route prefixes look like /_sim/<name>/, not ${prefix}`);
    }
    this.#routes.set(prefix, handler);
  }

  /** Handles the request when a route matches; false otherwise. Failures answer 500. */
  async serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const prefix = [...this.#routes.keys()].find((p) => url.pathname.startsWith(p) || `${url.pathname}/` === p);
    const handler = prefix === undefined ? undefined : this.#routes.get(prefix);
    if (!handler) {
      return false;
    }
    try {
      await handler(req, res, url);
    } catch (err) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
      }
      res.end(JSON.stringify({ error: (err as Error)?.message ?? String(err) }));
    }
    return true;
  }
}
