// One HTTP(S) request and its whole answer within a deadline that covers the answer's body: the
// status, headers and text, or the request's error (the `deadline()` error once the deadline
// passed). The CSP client (http.ts) and csp-synology's DSM transport both send through it.
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';

export interface Exchanged {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface Exchange {
  /** `http.request` or `https.request`. */
  send: (options: RequestOptions) => ClientRequest;
  request: RequestOptions;
  body?: string | undefined;
  timeoutMs: number;
  /** The error a request fails with once its deadline passed (it is destroyed with it). */
  deadline: () => Error;
  /** Told the request once it is made (to watch its socket, for instance). */
  sent?: (req: ClientRequest) => void;
}

export function exchange(exchange: Exchange): Promise<Exchanged> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const fail = (err: Error) => {
      clearTimeout(deadline);
      reject(timedOut ? exchange.deadline() : err);
    };
    const req = exchange.send(exchange.request);
    const deadline = setTimeout(() => {
      timedOut = true;
      req.destroy(exchange.deadline());
    }, exchange.timeoutMs);
    exchange.sent?.(req);
    req.once('error', fail);
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', fail);
      res.once('end', () => {
        clearTimeout(deadline);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(exchange.body);
  });
}
