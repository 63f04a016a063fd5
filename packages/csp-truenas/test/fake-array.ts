// A scriptable JSON-RPC 2.0 WebSocket server for unit tests of the client: each method answers
// with a result, an error envelope, silence, or a dropped connection.
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';

export type Answer =
  | { result: unknown }
  | { error: { code: number; message: string; data?: unknown } }
  | { drop: true }
  | { silent: true };

export type Script = (method: string, params: unknown[], socket: WebSocket) => Answer | Promise<Answer>;

export interface FakeArray {
  url: string;
  received: Array<{ method: string; params: unknown[]; id: unknown }>;
  maxOutstanding: number;
  connections: number;
  close(): Promise<void>;
}

const servers: FakeArray[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

export async function fakeArray(script: Script): Promise<FakeArray> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const state: FakeArray = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/v25.10.0`,
    received: [],
    maxOutstanding: 0,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) {
          client.terminate();
        }
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (socket) => {
    state.connections += 1;
    let outstanding = 0;
    socket.on('message', async (data) => {
      const message = JSON.parse(data.toString()) as { id: unknown; method: string; params: unknown[] };
      state.received.push(message);
      outstanding += 1;
      state.maxOutstanding = Math.max(state.maxOutstanding, outstanding);
      const answer = await script(message.method, message.params ?? [], socket);
      outstanding -= 1;
      if ('drop' in answer) {
        socket.terminate();
      } else if (!('silent' in answer)) {
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: message.id, ...answer }));
      }
    });
  });
  servers.push(state);
  return state;
}

export const ok = (result: unknown): Answer => ({ result });

/** Answers logins with SUCCESS and set_options with the options; `rest` handles the others. */
export function loggedIn(rest: Script): Script {
  return (method, params, socket) => {
    if (method === 'auth.login_ex') {
      return ok({ response_type: 'SUCCESS', user_info: null, authenticator: 'LEVEL_1' });
    }
    if (method === 'core.set_options') {
      return ok(params[0]);
    }
    return rest(method, params, socket);
  };
}
