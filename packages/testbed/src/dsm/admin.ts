// Test-only endpoints under /_sim/ (not part of DSM), for suites that run the simulator in another
// process: the leak audit, timing knobs, fault injection, session expiry and Auto Block reset.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http.js';
import type { DsmSimulator } from './simulator.js';

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (text.trim() === '') {
    return {};
  }
  const value = JSON.parse(text) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function numbersOnly(body: Record<string, unknown>, allowed: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!allowed.includes(key) || typeof value !== 'number' || value < 0) {
      throw new Error(`${key}: expected one of ${allowed.join(', ')} with a number >= 0`);
    }
    out[key] = value;
  }
  return out;
}

export async function handleAdmin(sim: DsmSimulator, req: IncomingMessage, res: ServerResponse, url: URL) {
  const route = `${req.method} ${url.pathname}`;
  try {
    switch (route) {
      case 'GET /_sim/audit':
        return sendJson(res, await sim.audit());
      case 'POST /_sim/baseline':
        sim.markBaseline();
        return sendJson(res, { ok: true });
      case 'POST /_sim/knobs':
        Object.assign(sim.knobs, numbersOnly(await jsonBody(req), Object.keys(sim.knobs)));
        return sendJson(res, sim.knobs);
      case 'POST /_sim/faults': {
        const body = numbersOnly(await jsonBody(req), ['latencyMs', 'errorRate', 'dropRate', 'busyRate']);
        sim.faults.set(body);
        return sendJson(res, { ...sim.faults.settings, methods: sim.faults.settings.methods?.source });
      }
      case 'POST /_sim/sessions/expire':
        return sendJson(res, { ended: sim.auth.sessions.expireAll() });
      case 'POST /_sim/sessions/interrupt':
        return sendJson(res, { ended: sim.auth.sessions.interruptAll() });
      case 'POST /_sim/unblock':
        sim.auth.autoBlock.unblock();
        return sendJson(res, { ok: true });
      case 'GET /_sim/calls':
        return sendJson(res, sim.calls.byMethod());
      default:
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `no admin route ${route}` }));
    }
  } catch (err) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: (err as Error).message }));
  }
}
