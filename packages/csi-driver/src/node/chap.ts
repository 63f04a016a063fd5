// CHAP credentials from the node-stage secret (docs/architecture.md): chapUser/chapPassword for
// one-way CHAP, plus chapMutualUser/chapMutualPassword for mutual CHAP. Never logged, never stored.
import { secretKeys } from '../constants.js';
import { invalidArgument } from '../errors.js';
import type { StringMap } from './messages.js';

export interface ChapCredentials {
  readonly user: string;
  readonly password: string;
  readonly mutualUser?: string;
  readonly mutualPassword?: string;
}

/** CHAP from the secret; undefined when none is configured. Half-filled pairs are rejected. */
export function chapFromSecrets(secrets: StringMap | null | undefined): ChapCredentials | undefined {
  const get = (key: string) => {
    const value = secrets?.[key];
    return value === undefined || value === '' ? undefined : value;
  };
  const user = get(secretKeys.chapUser);
  const password = get(secretKeys.chapPassword);
  const mutualUser = get(secretKeys.chapMutualUser);
  const mutualPassword = get(secretKeys.chapMutualPassword);
  if ((user === undefined) !== (password === undefined)) {
    throw invalidArgument(
      `node-stage secret: ${secretKeys.chapUser} and ${secretKeys.chapPassword} must be set together`,
    );
  }
  if ((mutualUser === undefined) !== (mutualPassword === undefined)) {
    throw invalidArgument(
      `node-stage secret: ${secretKeys.chapMutualUser} and ${secretKeys.chapMutualPassword} must be set together`,
    );
  }
  if (mutualUser !== undefined && user === undefined) {
    throw invalidArgument(`node-stage secret: mutual CHAP needs one-way CHAP (${secretKeys.chapUser}) as well`);
  }
  if (user === undefined || password === undefined) {
    return undefined;
  }
  return mutualUser !== undefined ? { user, password, mutualUser, mutualPassword } : { user, password };
}

/** Every CHAP value, for redaction. */
export function chapSecrets(chap: ChapCredentials | undefined): string[] {
  if (!chap) {
    return [];
  }
  return [chap.user, chap.password, chap.mutualUser ?? '', chap.mutualPassword ?? ''].filter((s) => s !== '');
}
