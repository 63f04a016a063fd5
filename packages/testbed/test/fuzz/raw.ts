// Byte-level requests for the CSP fuzz test, sent over their own TLS connection: what no HTTP
// client library would send (broken request lines, header framing, chunking, oversized parts,
// bad percent-encoding, absolute and odd request targets). Each is complete, so the CSP must
// answer it rather than wait for more.
import { nastyString, type Rng, wellFormed } from './random.js';

const api = '/containers/v1';
const paths = [`${api}/volumes`, `${api}/tokens`, `${api}/hosts`, `${api}/snapshots`, `${api}/capabilities`, '/readyz'];

function target(rng: Rng): string {
  switch (rng.int(8)) {
    case 0:
      return `${api}/volumes/${'%'.repeat(1 + rng.int(3))}${rng.text(2, 'zZ%g')}`;
    case 1:
      return `${api}/volumes/${'a'.repeat(rng.pick([511, 512, 513, 2000]))}`;
    case 2:
      return `${api}/${'../'.repeat(1 + rng.int(4))}etc/passwd`;
    case 3:
      return `http://evil.example${rng.pick(paths)}`;
    case 4:
      return '*';
    case 5:
      return `${rng.pick(paths)}?${'a=%'.repeat(1 + rng.int(3))}`;
    case 6:
      return `${api}/volumes/${encodeURIComponent(wellFormed(nastyString(rng))).slice(0, 600) || 'x'}`;
    default:
      return rng.pick(paths);
  }
}

function requestLine(rng: Rng): string {
  switch (rng.int(7)) {
    case 0:
      return `${rng.text(3 + rng.int(6), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')} ${target(rng)} HTTP/1.1`;
    case 1:
      return `GET ${target(rng)} HTTP/${rng.pick(['0.9', '2.0', '1.2', 'x'])}`;
    case 2:
      return `GET  ${target(rng)}  HTTP/1.1`;
    case 3:
      return rng.text(1 + rng.int(60), 'abc \t\u0001/\\:');
    default:
      return `${rng.pick(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE'])} ${target(rng)} HTTP/1.1`;
  }
}

function headerLines(rng: Rng, token: string): string[] {
  const lines = [rng.chance(0.95) ? 'Host: csp' : 'Host: csp\r\nHost: other'];
  if (rng.chance(0.5)) {
    lines.push(`x-auth-token: ${token}`);
  }
  switch (rng.int(8)) {
    case 0:
      lines.push(`x-big: ${'a'.repeat(rng.pick([8_000, 20_000, 70_000]))}`);
      break;
    case 1:
      lines.push('no colon here');
      break;
    case 2:
      lines.push(`x-ctl: a${String.fromCharCode(rng.int(32))}b`);
      break;
    case 3:
      lines.push(...Array.from({ length: 200 + rng.int(2000) }, (_, i) => `x-h${i}: v`));
      break;
    case 4:
      lines.push(' folded: continuation');
      break;
    default:
      break;
  }
  return lines;
}

function framedBody(rng: Rng): { headers: string[]; body: string } {
  const json = JSON.stringify({ username: 'admin', password: 'p', size: 1 });
  switch (rng.int(8)) {
    case 0:
      return { headers: ['Content-Type: application/json', `Content-Length: ${json.length}`], body: json };
    case 1:
      return { headers: ['Content-Type: application/json', 'Content-Length: -1'], body: json };
    case 2:
      return {
        headers: ['Content-Type: application/json', `Content-Length: ${json.length}`, 'Content-Length: 3'],
        body: json,
      };
    case 3:
      return {
        headers: ['Content-Type: application/json', 'Transfer-Encoding: chunked'],
        body: `${rng.pick(['zz', '-1', '3', '3;ext=1'])}\r\nabc\r\n0\r\n\r\n`,
      };
    case 4:
      return {
        headers: ['Content-Type: application/json', 'Transfer-Encoding: chunked', `Content-Length: ${json.length}`],
        body: `${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`,
      };
    case 5:
      return { headers: ['Content-Type: application/json', 'Content-Length: 7'], body: '{"a":[}' };
    case 6:
      return {
        headers: [
          `Content-Type: ${rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'])}`,
          'Content-Length: 3',
        ],
        body: 'a=b',
      };
    default:
      return { headers: [], body: '' };
  }
}

/** One malformed or unusual request, complete on the wire. */
export function rawRequest(rng: Rng, token: string): string {
  if (rng.chance(0.05)) {
    const junk = rng.text(1 + rng.int(200), '\u0000\u0001\u0016\u0003 abcGET/\r\n');
    // Empty lines before a request line are ignored (RFC 9112 section 2.2): junk of CR and LF
    // alone is no request yet, and the CSP rightly waits for one (seed 96227066, request 582).
    return `${/^[\r\n]*$/.test(junk) ? '\u0000' : ''}${junk}\r\n\r\n`;
  }
  const { headers, body } = framedBody(rng);
  return `${requestLine(rng)}\r\n${[...headerLines(rng, token), ...headers].join('\r\n')}\r\n\r\n${body}`;
}
