// A bare JSON-RPC 2.0 WebSocket client for driving the simulator in tests: raw envelopes in and
// out, no retries, no error mapping, so the tests see exactly what the simulator sends.
import WebSocket from 'ws';

export interface RpcErrorBody {
  code: number;
  message: string;
  data?: { error: number; errname: string; reason: string; extra: unknown };
}

export interface RpcAnswer {
  id: unknown;
  result?: unknown;
  error?: RpcErrorBody;
}

export class RawRpc {
  readonly ws: WebSocket;
  #nextId = 0;
  readonly #pending = new Map<unknown, (answer: RpcAnswer) => void>();
  readonly received: RpcAnswer[] = [];
  readonly #closed: Promise<{ code: number; reason: string }>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const answer = JSON.parse(data.toString()) as RpcAnswer;
      this.received.push(answer);
      const waiter = this.#pending.get(answer.id);
      if (waiter) {
        this.#pending.delete(answer.id);
        waiter(answer);
      }
    });
    this.#closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async open(url: string, ca?: string): Promise<RawRpc> {
    const ws = new WebSocket(url, ca ? { ca } : {});
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawRpc(ws);
  }

  /** Sends a request and waits for its answer (result or error envelope). */
  request(method: string, params: unknown[] = []): Promise<RpcAnswer> {
    const id = ++this.#nextId;
    const answer = new Promise<RpcAnswer>((resolve) => this.#pending.set(id, resolve));
    this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return answer;
  }

  /** Sends raw text; resolves with the next message that has no matching pending request. */
  sendRaw(text: string): Promise<RpcAnswer> {
    const before = this.received.length;
    this.ws.send(text);
    return new Promise((resolve) => {
      const poll = setInterval(() => {
        if (this.received.length > before) {
          clearInterval(poll);
          resolve(this.received[before] as RpcAnswer);
        }
      }, 5);
    });
  }

  /** Result of a call, or throws with the error envelope. */
  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const answer = await this.request(method, params);
    if (answer.error) {
      throw Object.assign(new Error(`${method}: ${answer.error.message} ${answer.error.data?.reason ?? ''}`), {
        rpc: answer.error,
      });
    }
    return answer.result as T;
  }

  /** The error envelope of a call that must fail. */
  async fail(method: string, params: unknown[] = []): Promise<RpcErrorBody> {
    const answer = await this.request(method, params);
    if (!answer.error) {
      throw new Error(`${method} succeeded but was expected to fail: ${JSON.stringify(answer.result)}`);
    }
    return answer.error;
  }

  closed(): Promise<{ code: number; reason: string }> {
    return this.#closed;
  }

  close(): void {
    this.ws.terminate();
  }
}
