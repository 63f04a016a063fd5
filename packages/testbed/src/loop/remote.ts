// The node side of an array simulator running in another process, reached through its node API
// (node-api.ts): what the loop launcher's transport resolves LUNs and logs in with. A failure the
// simulator reports comes back as the same DriverError an in-process node side would throw.
import { DriverError, type DriverErrorKind, type JsonObject } from '@opencsp/csi-driver/node';
import { Agent, request } from 'undici';
import { nodeApiPrefix, nvmeRoute } from './node-api.js';
import type { NodeSide } from './node-side.js';

const kinds = new Set<string>([
  'InvalidArgument',
  'NotFound',
  'AlreadyExists',
  'FailedPrecondition',
  'ResourceExhausted',
  'OutOfRange',
  'Aborted',
  'Unavailable',
  'DeadlineExceeded',
  'Unauthenticated',
  'Unimplemented',
  'Internal',
]);

export interface RemoteNodeSideOptions {
  /** The simulator's base URL (http or https), e.g. https://127.0.0.1:5001. */
  url: string;
  /** PEM certificate to trust for https (the simulator's self-signed one). */
  ca?: string;
  /** Per-request deadline in ms (default 30 s). */
  timeoutMs?: number;
  /** The simulator's NVMe/TCP namespaces instead of its iSCSI LUNs. */
  protocol?: 'iscsi' | 'nvmetcp';
}

export interface RemoteNodeSide extends NodeSide {
  close(): Promise<void>;
}

export function remoteNodeSide(options: RemoteNodeSideOptions): RemoteNodeSide {
  const timeout = options.timeoutMs ?? 30_000;
  const agent = new Agent({
    connect: options.ca ? { ca: options.ca } : {},
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  const base = new URL(`${nodeApiPrefix}${options.protocol === 'nvmetcp' ? nvmeRoute : ''}`, options.url);

  async function call(name: string, body: object): Promise<Record<string, unknown>> {
    let answer: Awaited<ReturnType<typeof request>>;
    try {
      answer = await request(new URL(name, base), {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (err) {
      throw new DriverError('Unavailable', `array simulator at ${options.url}: ${(err as Error).message}`);
    }
    const text = await answer.body.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new DriverError('Internal', `array simulator at ${options.url} answered ${answer.statusCode}: ${text}`);
    }
    if (answer.statusCode !== 200) {
      const kind = typeof parsed.kind === 'string' && kinds.has(parsed.kind) ? parsed.kind : 'Internal';
      throw new DriverError(kind as DriverErrorKind, String(parsed.message ?? `HTTP ${answer.statusCode}`));
    }
    return parsed;
  }

  return {
    async resolve(publishContext) {
      const { file } = await call('resolve', { publishContext });
      if (typeof file !== 'string') {
        throw new DriverError('Internal', `array simulator at ${options.url} named no backing file`);
      }
      return file;
    },
    sessions(initiator) {
      return {
        async login(attach) {
          const { session } = await call('login', {
            initiator,
            volumeId: attach.volumeId,
            publishContext: attach.publishContext,
            ...(attach.chap ? { chap: attach.chap } : {}),
          });
          return (session ?? {}) as JsonObject;
        },
        async logout(session) {
          await call('logout', { initiator, session });
        },
      };
    },
    close: () => agent.close(),
  };
}
