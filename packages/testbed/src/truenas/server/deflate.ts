// permessage-deflate as the middleware's WebSocket server negotiates it. Every TrueNAS release we
// play (24.10 /websocket, 25.04 ... 26 /api/<version> and /websocket; truenas/middleware
// ws_handler/base.py and main.py) answers the upgrade with aiohttp's `WebSocketResponse()`, whose
// `compress` defaults to True, and nginx passes the client's Sec-WebSocket-Extensions through. So
// the middleware accepts any permessage-deflate offer it can parse and then deflates EVERY frame it
// sends, however small (Z_BEST_SPEED, context takeover unless the client asks otherwise), and never
// refuses an upgrade over this header. What follows is aiohttp's `ws_ext_parse(isserver=True)` and
// `ws_ext_gen(isserver=True)` (aiohttp 3.8.4, Debian 12's python3-aiohttp; unchanged to 3.14),
// checked against the real aiohttp by test/truenas-sim/deflate-aiohttp.test.ts.
import type { IncomingMessage } from 'node:http';

/** What the server agreed to: its compressor's window bits and whether it resets the context per message. */
export interface DeflateAgreement {
  windowBits: number;
  noContextTakeover: boolean;
}

// aiohttp http_websocket.py _WS_EXT_RE_SPLIT, and one repetition of _WS_EXT_RE's group.
const offerSplit = /permessage-deflate([^,]+)?/g;
const offerParam =
  /;\s*(?:(server_no_context_takeover)|(client_no_context_takeover)|(server_max_window_bits(?:=(\d+))?)|(client_max_window_bits(?:=(\d+))?))/y;

/**
 * _WS_EXT_RE.match: the groups of `^(?:;\s*(?:...))*$` over an offer's parameters, or undefined
 * when they do not parse. Each group keeps its last capture across repetitions, as Python's re
 * does (a JS regex would forget a group's capture in a later repetition that skips it).
 */
function matchParams(text: string): Array<string | undefined> | undefined {
  const groups: Array<string | undefined> = [];
  offerParam.lastIndex = 0;
  while (offerParam.lastIndex < text.length) {
    const m = offerParam.exec(text);
    if (!m) {
      return undefined;
    }
    m.forEach((g, i) => {
      if (i > 0 && g !== undefined) {
        groups[i] = g;
      }
    });
  }
  return groups;
}

/**
 * ws_ext_parse(extstr, isserver=True): the first permessage-deflate offer whose parameters parse and
 * whose server_max_window_bits (if any) zlib supports (9..15); undefined when there is none. Unknown
 * parameters or a bad window size skip that offer, they never fail the handshake.
 */
export function acceptDeflateOffer(header: string | undefined): DeflateAgreement | undefined {
  if (!header) {
    return undefined;
  }
  for (const offer of header.matchAll(offerSplit)) {
    const params = offer[1];
    if (!params) {
      return { windowBits: 15, noContextTakeover: false };
    }
    const m = matchParams(params);
    if (!m) {
      continue;
    }
    const windowBits = m[4] ? Number(m[4]) : 15;
    if (windowBits > 15 || windowBits < 9) {
      continue;
    }
    return { windowBits, noContextTakeover: m[1] !== undefined };
  }
  return undefined;
}

/** ws_ext_gen(compress, isserver=True, server_notakeover): the Sec-WebSocket-Extensions answer. */
export function deflateAnswer(agreed: DeflateAgreement): string {
  const parts = ['permessage-deflate'];
  if (agreed.windowBits < 15) {
    parts.push(`server_max_window_bits=${agreed.windowBits}`);
  }
  if (agreed.noContextTakeover) {
    parts.push('server_no_context_takeover');
  }
  return parts.join('; ');
}

/**
 * Options for ws's server so that, given the offer `normalizeDeflateOffer` leaves, it answers and
 * compresses as aiohttp does: every data frame (no size threshold) at zlib level 1 (Z_BEST_SPEED).
 */
export const aiohttpDeflate = { threshold: 0, zlibDeflateOptions: { level: 1 } } as const;

/**
 * Rewrites the upgrade request's Sec-WebSocket-Extensions to the one offer aiohttp would accept,
 * spelled so that ws answers with `deflateAnswer` of it (ws echoes the server_* parameters it is
 * offered and nothing else here), or removes the header when aiohttp would not compress. ws alone
 * would refuse some offers aiohttp ignores (400) and echo client_* parameters aiohttp drops.
 * aiohttp reads only the first Sec-WebSocket-Extensions line (CIMultiDict.get); Node joins them.
 */
export function normalizeDeflateOffer(req: IncomingMessage): DeflateAgreement | undefined {
  const index = req.rawHeaders.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'sec-websocket-extensions');
  const agreed = acceptDeflateOffer(index < 0 ? undefined : req.rawHeaders[index + 1]);
  if (agreed) {
    req.headers['sec-websocket-extensions'] = deflateAnswer(agreed);
  } else {
    delete req.headers['sec-websocket-extensions'];
  }
  return agreed;
}
