// The node API of the simulators (test-only, under /_sim/node/, not part of any array's API): a
// node in another process (the loop launcher) asks the simulator which backing file holds a
// published LUN and plays its iSCSI login and logout through it. Errors travel as the driver's
// error kind and message, so the remote node fails exactly as an in-process one would.
//
//   POST /_sim/node/resolve  {publishContext}                          → {file}
//   POST /_sim/node/login    {initiator, volumeId, publishContext, chap?} → {session}
//   POST /_sim/node/logout   {initiator, session}                       → {}
//
// A simulator that serves NVMe/TCP answers the same three under /_sim/node/nvmetcp/ for its
// namespaces, `initiator` being the host NQN (the `nvme connect` the loop device stands in for).
// DH-CHAP secrets do not travel through this API: its NVMe logins are those of hosts without one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ChapCredentials, isDriverError, type JsonObject, type StringMap } from '@opencsp/csi-driver/node';
import type { NodeSide } from './node-side.js';

export const nodeApiPrefix = '/_sim/node/';
/** The NVMe/TCP half of the node API, below nodeApiPrefix. */
export const nvmeRoute = 'nvmetcp/';

/** A bad request to the node API itself (not a node failure). */
class BadRequest extends Error {}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new BadRequest('body must be JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest('body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function text(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') {
    throw new BadRequest(`${key} must be a non-empty string`);
  }
  return value;
}

function object(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = body[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest(`${key} must be an object`);
  }
  return value as Record<string, unknown>;
}

function stringMap(body: Record<string, unknown>, key: string): StringMap {
  const value = object(body, key);
  if (!Object.values(value).every((v) => typeof v === 'string')) {
    throw new BadRequest(`${key} must map strings to strings`);
  }
  return value as StringMap;
}

function chapOf(body: Record<string, unknown>): ChapCredentials | undefined {
  if (body.chap === undefined) {
    return undefined;
  }
  const chap = object(body, 'chap');
  const out: ChapCredentials = { user: text(chap, 'user'), password: text(chap, 'password') };
  if (chap.mutualUser !== undefined) {
    return { ...out, mutualUser: text(chap, 'mutualUser'), mutualPassword: text(chap, 'mutualPassword') };
  }
  return out;
}

async function route(side: NodeSide, name: string, body: Record<string, unknown>): Promise<unknown> {
  switch (name) {
    case 'resolve':
      return { file: await side.resolve(stringMap(body, 'publishContext')) };
    case 'login': {
      const chap = chapOf(body);
      const session = await side.sessions(text(body, 'initiator')).login({
        volumeId: text(body, 'volumeId'),
        publishContext: stringMap(body, 'publishContext'),
        ...(chap ? { chap } : {}),
      });
      return { session };
    }
    case 'logout':
      await side.sessions(text(body, 'initiator')).logout(object(body, 'session') as JsonObject);
      return {};
    default:
      throw new BadRequest(`no node API route ${name}`);
  }
}

/** Serves one request under /_sim/node/ from `side`, or under /_sim/node/nvmetcp/ from `nvme`. */
export async function handleNodeApi(
  side: NodeSide,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  nvme?: NodeSide,
): Promise<void> {
  try {
    if (req.method !== 'POST') {
      throw new BadRequest(`${req.method} is not allowed: the node API takes POST`);
    }
    const name = url.pathname.slice(nodeApiPrefix.length);
    const body = await readJson(req);
    if (name.startsWith(nvmeRoute)) {
      if (!nvme) {
        throw new BadRequest('this simulator serves no NVMe/TCP');
      }
      send(res, 200, await route(nvme, name.slice(nvmeRoute.length), body));
      return;
    }
    send(res, 200, await route(side, name, body));
  } catch (err) {
    if (err instanceof BadRequest) {
      send(res, 400, { kind: 'InvalidArgument', message: `node API: ${err.message}` });
    } else if (isDriverError(err)) {
      send(res, 422, { kind: err.kind, message: err.message });
    } else {
      send(res, 500, { kind: 'Internal', message: (err as Error)?.message ?? String(err) });
    }
  }
}
