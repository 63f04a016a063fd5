// A raw HTTP/1.1 exchange over TCP or TLS, for tests that send what no HTTP client would
// (malformed request lines, oversized headers, bad chunking), plus the check that an answer is
// one of the contract's error responses. Answers are read up to their Content-Length (or the end
// of the connection), so keep-alive servers need not close the socket.
import { STATUS_CODES } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface RawTarget {
  host: string;
  port: number;
  /** Connect with TLS, trusting this CA (PEM). */
  tls?: { ca: string; servername?: string };
}

export interface RawResponse {
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: string;
}

const headerEnd = '\r\n\r\n';

function parse(buffer: Buffer): { head: RawResponse; bodyStart: number } | undefined {
  const end = buffer.indexOf(headerEnd);
  if (end < 0) {
    return undefined;
  }
  const [statusLine = '', ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine);
  if (!match) {
    throw new Error(`not an HTTP response: ${JSON.stringify(statusLine.slice(0, 80))}`);
  }
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { head: { status: Number(match[1]), reason: match[2] ?? '', headers, body: '' }, bodyStart: end + 4 };
}

function dechunk(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const lineEnd = raw.indexOf('\r\n', at);
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) {
      break;
    }
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Sends `request` as is and reads one answer. Resolves undefined when the server closed the
 * connection without answering (a TLS port receiving plain text, for example).
 */
export function rawHttp(
  target: RawTarget,
  request: string | Buffer,
  timeoutMs = 10_000,
): Promise<RawResponse | undefined> {
  const noBody = /^HEAD /.test(request.toString('latin1', 0, 5));
  return new Promise((resolve, reject) => {
    const socket = target.tls
      ? tlsConnect({ host: target.host, port: target.port, ca: target.tls.ca, servername: target.tls.servername })
      : tcpConnect({ host: target.host, port: target.port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) {
        reject(error);
        return;
      }
      try {
        const parsed = parse(received);
        if (!parsed) {
          resolve(undefined);
          return;
        }
        const raw = received.subarray(parsed.bodyStart);
        parsed.head.body = parsed.head.headers['transfer-encoding'] === 'chunked' ? dechunk(raw) : raw.toString('utf8');
        resolve(parsed.head);
      } catch (err) {
        reject(err);
      }
    };
    const timer = setTimeout(() => finish(new Error(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on(target.tls ? 'secureConnect' : 'connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parse(received);
      if (!parsed) {
        return;
      }
      const length = parsed.head.headers['content-length'];
      const bodyBytes = received.length - parsed.bodyStart;
      const chunkedDone = parsed.head.headers['transfer-encoding'] === 'chunked' && received.includes('\r\n0\r\n\r\n');
      if (noBody || (length !== undefined && bodyBytes >= Number(length)) || chunkedDone) {
        finish();
      }
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' || err.code === 'EPIPE' ? finish() : finish(err),
    );
  });
}

/**
 * Why an answer is not one of the contract's error responses, or undefined when it is: a 4xx/5xx
 * whose JSON body is `{"errors":[{"code":<reason phrase>,"message":<text>}, ...]}`.
 */
export function contractErrorProblem(status: number, body: string | unknown): string | undefined {
  if (status < 400) {
    return `status ${status} is not an error`;
  }
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return `body is not JSON: ${JSON.stringify(body.slice(0, 120))}`;
    }
  }
  const errors = (parsed as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    return `body has no errors list: ${JSON.stringify(parsed).slice(0, 160)}`;
  }
  for (const item of errors as Array<Record<string, unknown>>) {
    if (typeof item?.message !== 'string' || item.message === '') {
      return `an error has no message: ${JSON.stringify(item).slice(0, 160)}`;
    }
    if (item.code !== STATUS_CODES[status]) {
      return `code ${JSON.stringify(item.code)} is not the reason phrase of ${status} (${STATUS_CODES[status]})`;
    }
  }
  return undefined;
}
