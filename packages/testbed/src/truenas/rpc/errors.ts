// JSON-RPC errors exactly as TrueNAS middleware shapes them (api/base/server/ws_handler/rpc.py and
// service_exception.py): -32602 "Invalid params" for validation errors with `data.extra` triples,
// -32001 "Method call error" for CallErrors with errno/errname, -32000 for too many concurrent
// calls, -32601 for unknown methods. `reason` is the Python str() of the exception.

export const errno = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ENOSPC: 28,
  ENOTEMPTY: 39,
  ENOMETHOD: 201,
  ENOTAUTHENTICATED: 207,
} as const;

const names = new Map<number, string>(Object.entries(errno).map(([name, code]) => [code, name]));

export function errname(code: number): string {
  return names.get(code) ?? 'EUNKNOWN';
}

export const rpcCodes = {
  invalidJson: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  tooManyConcurrentCalls: -32000,
  callError: -32001,
} as const;

/** One validation problem: [attribute, message, errno] as TrueNAS sends it in `data.extra`. */
export type FieldError = [attribute: string | null, message: string, code: number];

export interface TrueNasErrorData {
  error: number;
  errname: string;
  reason: string;
  trace: { class: string; frames: unknown[]; formatted: string; repr: string } | null;
  extra: unknown;
}

/** An error answer. Thrown by method handlers; the connection turns it into the wire envelope. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  readonly code: number;
  readonly data: TrueNasErrorData | undefined;

  constructor(code: number, message: string, data?: TrueNasErrorData) {
    super(message);
    this.code = code;
    this.data = data;
  }

  toWire(): { code: number; message: string; data?: TrueNasErrorData } {
    return this.data
      ? { code: this.code, message: this.message, data: this.data }
      : { code: this.code, message: this.message };
  }

  /** The errno of a TrueNAS error (EINVAL for validation errors). */
  get errno(): number | undefined {
    return this.data?.error;
  }
}

const builtinExceptions = new Set(['Exception', 'KeyError', 'ValueError', 'IndexError', 'AttributeError', 'TypeError']);

/** `cls` is a class name (`CallError`, `KeyError`) or a dotted path for classes of other modules. */
function trace(cls: string, reason: string): TrueNasErrorData['trace'] {
  const qualified = builtinExceptions.has(cls) || cls.includes('.') ? cls : `middlewared.service_exception.${cls}`;
  const name = cls.split('.').at(-1) as string;
  return {
    class: name,
    frames: [],
    formatted: `Traceback (most recent call last):\n${qualified}: ${reason}`,
    repr: `${name}(${JSON.stringify(reason)})`,
  };
}

/** A `ValidationErrors` (several field problems). Each problem's errno defaults to EINVAL. */
export function validationErrors(problems: Array<[string | null, string, number?]>): RpcError {
  const extra: FieldError[] = problems.map(([attr, msg, code]) => [attr, msg, code ?? errno.EINVAL]);
  const reason = extra.map(([attr, msg, code]) => `[${errname(code)}] ${attr ?? 'None'}: ${msg}\n`).join('');
  return new RpcError(rpcCodes.invalidParams, 'Invalid params', {
    error: errno.EINVAL,
    errname: 'EINVAL',
    reason,
    trace: trace('ValidationErrors', reason),
    extra,
  });
}

/** A single `ValidationError` (its default errno is EFAULT, as in middleware). */
export function validationError(attribute: string | null, message: string, code: number = errno.EFAULT): RpcError {
  const reason = `[${errname(code)}] ${attribute ?? 'None'}: ${message}`;
  return new RpcError(rpcCodes.invalidParams, 'Invalid params', {
    error: errno.EINVAL,
    errname: 'EINVAL',
    reason,
    trace: trace('ValidationError', reason),
    extra: [[attribute, message, code]],
  });
}

/** `InstanceNotFound`: a ValidationError with attribute None and ENOENT. */
export function instanceNotFound(message: string): RpcError {
  return validationError(null, message, errno.ENOENT);
}

/** A `CallError`: -32001 with the errno (default EFAULT, as in middleware). */
export function callError(message: string, code: number = errno.EFAULT, extra: unknown = null): RpcError {
  const reason = `[${errname(code)}] ${message}`;
  return new RpcError(rpcCodes.callError, 'Method call error', {
    error: code,
    errname: errname(code),
    reason,
    trace: trace('CallError', reason),
    extra,
  });
}

/**
 * An unexpected Python exception that middleware could not adapt (reported with EINVAL): `reason`
 * is `str(exc) or repr(exc)`, `cls` the exception class (`KeyError`, `ValueError`...).
 */
export function unexpectedException(reason: string, cls = 'Exception'): RpcError {
  return new RpcError(rpcCodes.callError, 'Method call error', {
    error: errno.EINVAL,
    errname: 'EINVAL',
    reason,
    trace: trace(cls, reason),
    extra: null,
  });
}

export const methodNotFound = (): RpcError => new RpcError(rpcCodes.methodNotFound, 'Method does not exist');

export const tooManyConcurrentCalls = (limit: number): RpcError =>
  new RpcError(rpcCodes.tooManyConcurrentCalls, `Maximum number of concurrent calls (${limit}) has exceeded`);

export const notAuthenticated = (): RpcError => callError('Not authenticated', errno.ENOTAUTHENTICATED);
