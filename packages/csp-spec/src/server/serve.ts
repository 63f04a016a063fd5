// Listening and graceful shutdown for a CSP process.
import type { Logger } from 'pino';
import type { CspApp } from './app.js';

export interface ServeOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Longest time to wait for in-flight requests at shutdown before exiting anyway. */
  shutdownGraceMs?: number;
  /** Install SIGTERM/SIGINT handlers that shut down and exit (default true). */
  handleSignals?: boolean;
}

/** Starts listening; returns the bound address (useful with port 0). */
export async function serveCsp(csp: CspApp, options: ServeOptions): Promise<string> {
  const address = await csp.app.listen({ host: options.host, port: options.port });
  options.logger.info({ address }, 'CSP listening');
  if (options.handleSignals !== false) {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        return;
      }
      stopping = true;
      options.logger.info({ signal }, 'shutting down');
      const grace = setTimeout(() => {
        options.logger.warn('shutdown grace period over; exiting with requests still in flight');
        process.exit(1);
      }, options.shutdownGraceMs ?? 25_000);
      grace.unref();
      csp.shutdown().then(
        () => process.exit(0),
        (err: unknown) => {
          options.logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  }
  return address;
}
