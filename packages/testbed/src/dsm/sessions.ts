// Login sessions: a sid per login, found by cookie `id` or the `_sid` parameter, bound to the
// client IP, expiring after an idle period (106), interrupted by a duplicate login when that mode
// is on (107), unknown after logout (119). With CSRF protection on, every call must also carry the
// session's SynoToken (header X-SYNO-TOKEN or parameter SynoToken), else 105.
import { randomBytes } from 'node:crypto';
import { codes, DsmError } from './codes.js';

export interface Session {
  sid: string;
  account: string;
  /** The `session` name given at login (DSM groups sessions by it). */
  name: string;
  ip: string;
  synotoken: string | undefined;
  createdAt: number;
  lastUsedAt: number;
}

type Ended = 'expired' | 'interrupted' | 'logged-out';

export interface SessionPolicy {
  idleMs: number;
  /** A new login of the same account and session name interrupts the older sessions (107). */
  interruptDuplicates: boolean;
  /** CSRF protection: calls need the session's SynoToken. */
  csrf: boolean;
}

const endedMemory = 10_000;

export class SessionStore {
  readonly #live = new Map<string, Session>();
  readonly #ended = new Map<string, Ended>();
  policy: SessionPolicy;

  constructor(policy: SessionPolicy) {
    this.policy = policy;
  }

  open(account: string, name: string, ip: string, wantToken: boolean, now = Date.now()): Session {
    if (this.policy.interruptDuplicates) {
      for (const session of [...this.#live.values()]) {
        if (session.account === account && session.name === name) {
          this.#end(session.sid, 'interrupted');
        }
      }
    }
    const session: Session = {
      sid: randomBytes(24).toString('base64url'),
      account,
      name,
      ip,
      synotoken: wantToken ? randomBytes(12).toString('base64url') : undefined,
      createdAt: now,
      lastUsedAt: now,
    };
    this.#live.set(session.sid, session);
    return session;
  }

  /** The live session for a request, or the DSM error that explains why there is none. */
  resolve(sid: string | undefined, ip: string, token: string | undefined, now = Date.now()): Session {
    if (!sid) {
      throw new DsmError(codes.sidNotFound, 'no sid');
    }
    const session = this.#live.get(sid);
    if (!session) {
      const ended = this.#ended.get(sid);
      if (ended === 'expired') {
        throw new DsmError(codes.sessionTimeout);
      }
      if (ended === 'interrupted') {
        throw new DsmError(codes.sessionInterrupted);
      }
      throw new DsmError(codes.sidNotFound);
    }
    if (now - session.lastUsedAt >= this.policy.idleMs) {
      this.#end(sid, 'expired');
      throw new DsmError(codes.sessionTimeout);
    }
    if (session.ip !== ip) {
      throw new DsmError(codes.sourceIpMismatch);
    }
    if (this.policy.csrf && (!session.synotoken || token !== session.synotoken)) {
      throw new DsmError(codes.noPermission, 'SynoToken missing or wrong');
    }
    session.lastUsedAt = now;
    return session;
  }

  logout(sid: string): void {
    if (this.#live.has(sid)) {
      this.#end(sid, 'logged-out');
    }
  }

  /** Ends every live session as if it had been idle too long (tests of the re-login path). */
  expireAll(): number {
    return this.#endAll('expired');
  }

  /** Ends every live session as a duplicate login would (107). */
  interruptAll(): number {
    return this.#endAll('interrupted');
  }

  live(): Session[] {
    return [...this.#live.values()];
  }

  #endAll(reason: Ended): number {
    const sids = [...this.#live.keys()];
    for (const sid of sids) {
      this.#end(sid, reason);
    }
    return sids.length;
  }

  #end(sid: string, reason: Ended): void {
    this.#live.delete(sid);
    this.#ended.set(sid, reason);
    if (this.#ended.size > endedMemory) {
      const oldest = this.#ended.keys().next().value as string;
      this.#ended.delete(oldest);
    }
  }
}
