// A view of a CSI request that is safe to log: secret maps keep their keys with the values
// replaced, mount flags are dropped (they may hold credentials), and any CHAP or password-like
// key anywhere is blanked. Runs for every logged RPC, so it copies only the objects on the way to
// something it changes and shares the rest with the request (the logger only reads it).
const censor = '[redacted]';
const secretMapFields = new Set(['secrets']);
const droppedFields = new Set(['mountFlags']);
const secretKey = /(password|passwd|secret|token|chap)/i;
/** Whether a key names a secret, by key: requests use a few dozen distinct keys. */
const secretKeys = new Map<string, boolean>();
const maxKeys = 1024;

function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = secretKey.test(key);
    if (secretKeys.size < maxKeys) {
      secretKeys.set(key, secret);
    }
  }
  return secret;
}

function redactValue(key: string, value: unknown): unknown {
  if (secretMapFields.has(key) && value && typeof value === 'object') {
    const censored: Record<string, string> = {};
    for (const k of Object.keys(value)) {
      censored[k] = censor;
    }
    return censored;
  }
  if (droppedFields.has(key)) {
    return Array.isArray(value) && value.length === 0 ? value : censor;
  }
  if (typeof value === 'string') {
    return isSecretKey(key) ? censor : value;
  }
  return redactRequest(value);
}

function redactArray(value: unknown[]): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    const redacted = redactRequest(item);
    if (redacted !== item) {
      copy ??= [...value];
      copy[i] = redacted;
    }
  }
  return copy ?? value;
}

export function redactRequest(value: unknown): unknown {
  if (Array.isArray(value)) {
    return redactArray(value);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  let copy: Record<string, unknown> | undefined;
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const child = object[key];
    const redacted = redactValue(key, child);
    if (redacted !== child) {
      copy ??= { ...object };
      copy[key] = redacted;
    }
  }
  return copy ?? value;
}
