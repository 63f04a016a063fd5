// SYNO.API.Auth: login (password, 2-step verification with device tokens, Auto Block) and logout.
import { randomBytes } from 'node:crypto';
import type { AutoBlock } from './autoblock.js';
import { codes, DsmError } from './codes.js';
import { verifyTotp } from './otp.js';
import type { Params } from './params.js';
import type { SessionStore } from './sessions.js';

export interface Account {
  username: string;
  password: string;
  /** Members of the administrators group may call the SAN APIs; others get 105. */
  admin: boolean;
  disabled: boolean;
  /** base32 TOTP secret: the account has 2-step verification. */
  otpSecret: string | undefined;
  /** Device tokens (`did`) issued at OTP logins with `enable_device_token=yes`. */
  deviceTokens: Set<string>;
}

export function account(
  username: string,
  password: string,
  extra: Partial<Omit<Account, 'username' | 'password'>> = {},
): Account {
  return {
    username,
    password,
    admin: extra.admin ?? true,
    disabled: extra.disabled ?? false,
    otpSecret: extra.otpSecret,
    deviceTokens: extra.deviceTokens ?? new Set(),
  };
}

export interface LoginResult {
  data: Record<string, unknown>;
  /** Set as cookie `id` when the client asked for `format=cookie`. */
  cookieSid: string | undefined;
}

export class Authenticator {
  readonly accounts = new Map<string, Account>();
  readonly sessions: SessionStore;
  readonly autoBlock: AutoBlock;
  /** Logins attempted, successful or not (tests prove the CSP never retries a rejected password). */
  attempts = 0;

  constructor(sessions: SessionStore, autoBlock: AutoBlock, accounts: Account[]) {
    this.sessions = sessions;
    this.autoBlock = autoBlock;
    for (const a of accounts) {
      this.accounts.set(a.username, a);
    }
  }

  login(params: Params, ip: string): LoginResult {
    this.attempts++;
    if (this.autoBlock.isBlocked(ip)) {
      throw new DsmError(codes.ipBlocked);
    }
    const user = this.accounts.get(params.raw('account') ?? '');
    const password = params.raw('passwd') ?? '';
    if (!user || user.password !== password) {
      this.autoBlock.recordFailure(ip);
      throw new DsmError(codes.badCredentials);
    }
    if (user.disabled) {
      throw new DsmError(codes.accountDisabled);
    }
    let did: string | undefined;
    if (user.otpSecret && !user.deviceTokens.has(params.raw('device_id') ?? '')) {
      const otp = params.raw('otp_code');
      if (!otp) {
        throw new DsmError(codes.otpRequired);
      }
      if (!verifyTotp(user.otpSecret, otp)) {
        this.autoBlock.recordFailure(ip);
        throw new DsmError(codes.otpRejected);
      }
      if (params.raw('enable_device_token') === 'yes') {
        did = randomBytes(16).toString('hex');
        user.deviceTokens.add(did);
      }
    }
    this.autoBlock.recordSuccess(ip);
    const wantToken = params.raw('enable_syno_token') === 'yes';
    const session = this.sessions.open(user.username, params.raw('session') ?? 'webui', ip, wantToken);
    const data: Record<string, unknown> = { sid: session.sid, is_portal_port: false, account: user.username };
    if (session.synotoken) {
      data.synotoken = session.synotoken;
    }
    if (did) {
      data.did = did;
    }
    return { data, cookieSid: params.raw('format') === 'cookie' ? session.sid : undefined };
  }

  /** Whether the session's account may use administrator APIs. */
  isAdmin(username: string): boolean {
    return this.accounts.get(username)?.admin === true;
  }
}
