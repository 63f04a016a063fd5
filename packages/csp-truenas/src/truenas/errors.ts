// Failures of TrueNAS API calls, typed from the JSON-RPC envelope (code, errno, field errors) so
// that callers decide on structure, not on message text. Messages carry the array's reason, which
// never contains credentials, and never the call's parameters.

/** One field problem of a -32602 answer: [attribute, message, errno]. */
export type FieldProblem = [attribute: string | null, message: string, errno: number];

export const rpc = {
  tooManyConcurrentCalls: -32000,
  callError: -32001,
  methodNotFound: -32601,
  invalidParams: -32602,
} as const;

export const errnos = {
  ENOENT: 2,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ENOSPC: 28,
  ENOTEMPTY: 39,
  ENOTAUTHENTICATED: 207,
} as const;

export class TrueNasError extends Error {
  readonly method: string;
  constructor(method: string, message: string, options?: { cause?: unknown }) {
    super(`${method}: ${message}`, options);
    this.method = method;
  }
}

/** The array answered with a JSON-RPC error. */
export class RpcFailure extends TrueNasError {
  override readonly name = 'RpcFailure';
  readonly code: number;
  readonly errno: number | undefined;
  readonly errname: string | undefined;
  /** The array's explanation (Python str() of the exception). */
  readonly reason: string;
  /** Field problems of a validation error (-32602). */
  readonly problems: FieldProblem[];

  constructor(method: string, error: { code: number; message: string; data?: unknown }) {
    const data = (error.data ?? {}) as { error?: number; errname?: string; reason?: string; extra?: unknown };
    const reason = typeof data.reason === 'string' && data.reason !== '' ? data.reason.trim() : error.message;
    super(method, reason);
    this.code = error.code;
    this.errno = typeof data.error === 'number' ? data.error : undefined;
    this.errname = typeof data.errname === 'string' ? data.errname : undefined;
    this.reason = reason;
    this.problems = Array.isArray(data.extra)
      ? (data.extra as unknown[]).filter((p): p is FieldProblem => Array.isArray(p) && p.length === 3)
      : [];
  }

  /** The errno of the first field problem (validation errors), else the error's errno. */
  get detailErrno(): number | undefined {
    return this.problems[0]?.[2] ?? this.errno;
  }

  /** True when a field problem names `attribute` (e.g. `pool_dataset_create.volsize`). */
  hasProblemAt(attribute: string): boolean {
    return this.problems.some(([attr]) => attr === attribute);
  }
}

/** The connection broke. `sent` false means the request surely never reached the array. */
export class ConnectionLost extends TrueNasError {
  override readonly name = 'ConnectionLost';
  readonly sent: boolean;
  constructor(method: string, message: string, sent: boolean, cause?: unknown) {
    super(method, message, { cause });
    this.sent = sent;
  }
}

/** No answer within the per-call timeout; the call may or may not have taken effect. */
export class CallTimeout extends TrueNasError {
  override readonly name = 'CallTimeout';
  constructor(method: string, timeoutMs: number) {
    super(method, `no answer from TrueNAS within ${timeoutMs} ms`);
  }
}

/** Login refused: wrong credentials, an expired/revoked key, or a policy refusal by the CSP. */
export class LoginRefused extends TrueNasError {
  override readonly name = 'LoginRefused';
  readonly kind: 'credentials' | 'expired' | 'otp' | 'insecure';
  constructor(kind: LoginRefused['kind'], message: string) {
    super('login', message);
    this.kind = kind;
  }
}
