// Logging a connection in: an API key (`<id>-<64 chars>`) through auth.login_ex API_KEY_PLAIN,
// anything else as a password through PASSWORD_PLAIN, with the legacy methods as fallback for
// arrays without login_ex. API keys are never sent over ws://: TrueNAS revokes a key that arrives
// without TLS. After login the connection switches jobs to blocking mode (legacy_jobs off).
import type { RpcConnection } from './connection.js';
import { LoginRefused, RpcFailure, rpc } from './errors.js';

export interface LoginCredentials {
  username: string;
  /** Password or API key. */
  secret: string;
}

const apiKeyPattern = /^\d+-[A-Za-z0-9]{64}$/;
/** A key, or its 64-character secret part, anywhere in a string. */
const apiKeyInside = /[A-Za-z0-9]{64}/;

export function isApiKey(secret: string): boolean {
  return apiKeyPattern.test(secret);
}

/** True for anything that could hold an API key: such a secret never travels without TLS. */
export function couldBeApiKey(secret: string): boolean {
  return apiKeyInside.test(secret);
}

function methodMissing(err: unknown): boolean {
  return err instanceof RpcFailure && err.code === rpc.methodNotFound;
}

function refusal(responseType: unknown, what: string): LoginRefused | undefined {
  switch (responseType) {
    case 'SUCCESS':
      return undefined;
    case 'EXPIRED':
      return new LoginRefused('expired', `TrueNAS refused the ${what}: it is expired or revoked`);
    case 'OTP_REQUIRED':
      return new LoginRefused('otp', 'the TrueNAS account needs two-factor authentication; use an API key instead');
    default:
      return new LoginRefused('credentials', `TrueNAS refused the ${what} (wrong user name or ${what})`);
  }
}

async function loginApiKey(conn: RpcConnection, creds: LoginCredentials): Promise<void> {
  try {
    const answer = (await conn.call('auth.login_ex', [
      {
        mechanism: 'API_KEY_PLAIN',
        username: creds.username,
        api_key: creds.secret,
        login_options: { user_info: false },
      },
    ])) as { response_type?: unknown };
    const refused = refusal(answer?.response_type, 'API key');
    if (refused) {
      throw refused;
    }
  } catch (err) {
    if (!methodMissing(err)) {
      throw err;
    }
    if ((await conn.call('auth.login_with_api_key', [creds.secret])) !== true) {
      throw new LoginRefused('credentials', 'TrueNAS refused the API key');
    }
  }
}

async function loginPassword(conn: RpcConnection, creds: LoginCredentials): Promise<void> {
  try {
    const answer = (await conn.call('auth.login_ex', [
      {
        mechanism: 'PASSWORD_PLAIN',
        username: creds.username,
        password: creds.secret,
        login_options: { user_info: false },
      },
    ])) as { response_type?: unknown };
    const refused = refusal(answer?.response_type, 'password');
    if (refused) {
      throw refused;
    }
  } catch (err) {
    if (!methodMissing(err)) {
      throw err;
    }
    if ((await conn.call('auth.login', [creds.username, creds.secret])) !== true) {
      throw new LoginRefused('credentials', 'TrueNAS refused the user name or password');
    }
  }
}

/** Authenticates `conn` and turns legacy jobs off where the array supports it. */
export async function login(conn: RpcConnection, creds: LoginCredentials, secureTransport: boolean): Promise<void> {
  if (!secureTransport && couldBeApiKey(creds.secret)) {
    throw new LoginRefused(
      'insecure',
      'refusing to send what could be an API key over ws://: TrueNAS revokes API keys used without TLS; use wss:// or a password',
    );
  }
  if (isApiKey(creds.secret)) {
    await loginApiKey(conn, creds);
  } else {
    await loginPassword(conn, creds);
  }
  try {
    await conn.call('core.set_options', [{ legacy_jobs: false }]);
    conn.legacyJobs = false;
  } catch (err) {
    if (!(err instanceof RpcFailure)) {
      throw err;
    }
    conn.legacyJobs = true;
  }
}
