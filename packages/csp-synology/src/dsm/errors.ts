// Failures of the DSM Web API client, before they are mapped to contract problems.

/** DSM answered `{success:false, error:{code}}`. */
export class DsmApiError extends Error {
  override readonly name = 'DsmApiError';
  readonly code: number;
  readonly api: string;
  readonly method: string;
  constructor(code: number, api: string, method: string) {
    super(`${api}.${method} failed with DSM error ${code}`);
    this.code = code;
    this.api = api;
    this.method = method;
  }
}

/** No DSM answer: connection refused or broken, timeout, TLS failure, HTTP error, not JSON. */
export class DsmTransportError extends Error {
  override readonly name = 'DsmTransportError';
  /** False when the request certainly never reached DSM (safe to resend anything). */
  readonly maybeProcessed: boolean;
  constructor(message: string, maybeProcessed: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.maybeProcessed = maybeProcessed;
  }
}

/** DSM refused the login itself (bad password, 2FA, disabled account, blocked IP). */
export class DsmLoginError extends Error {
  override readonly name = 'DsmLoginError';
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** Session codes after which one new login and one replay are tried. */
export const sessionLostCodes: ReadonlySet<number> = new Set([
  105, // no permission: also what DSM answers for a stale or missing SynoToken
  106, // session timeout
  107, // interrupted by a duplicate login
  119, // sid not found
  150, // request source IP no longer matches the login IP
]);

/** Login refusals: never retried with the same credentials (DSM Auto Block); 407 is the block itself. */
export const loginRefusalText: Readonly<Record<number, string>> = {
  400: 'wrong username or password',
  401: 'the account is disabled',
  402: 'the account is disabled or may not log in',
  403: 'the account has 2-step verification: configure a device token (see the README) or use an account without it',
  404: 'the 2-step verification code or device token was refused',
  406: 'DSM requires this account to set up 2-step verification first',
  407: 'DSM Auto Block has blocked the address of this CSP after failed logins; the block ends when it expires or when an administrator unblocks the address in DSM (Control Panel > Security > Protection)',
  408: 'the password has expired',
  409: 'the password has expired',
  410: 'DSM requires a password change for this account',
};
