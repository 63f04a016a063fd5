// HTTP plumbing of the simulator: reading GET query strings and POST form bodies, cookies, the
// client address, and writing DSM's envelope (`{success, data}` / `{success:false, error:{code}}`,
// always HTTP 200) or the non-DSM answers a fault produces.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseForm } from './params.js';

const maxBody = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBody) {
      throw new Error('request body too large');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Query-string parameters overlaid with form-body parameters (the body wins). */
export async function requestParams(req: IncomingMessage, url: URL): Promise<Map<string, string>> {
  const params = parseForm(url.search.slice(1));
  if (req.method === 'POST') {
    const type = req.headers['content-type'] ?? '';
    const body = await readBody(req);
    if (type.includes('application/x-www-form-urlencoded') || type === '') {
      for (const [key, value] of parseForm(body)) {
        params.set(key, value);
      }
    }
  }
  return params;
}

export function cookies(req: IncomingMessage): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) {
      map.set(part.slice(0, index).trim(), decodeURIComponent(part.slice(index + 1).trim()));
    }
  }
  return map;
}

export function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export function sendJson(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json; charset="UTF-8"', ...headers });
  res.end(text);
}

/** What a reverse proxy or a struggling DSM answers instead of JSON. */
export function sendHtml(res: ServerResponse, status: number, title: string): void {
  res.writeHead(status, { 'content-type': 'text/html' });
  res.end(`<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`);
}
