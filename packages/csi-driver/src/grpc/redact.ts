// A copy of a CSI request that is safe to log: secret maps keep their keys with the values
// replaced, mount flags are dropped (they may hold credentials), and any CHAP or password-like
// key anywhere is blanked.
const censor = '[redacted]';
const secretMapFields = new Set(['secrets']);
const droppedFields = new Set(['mountFlags']);
const secretKey = /(password|passwd|secret|token|chap)/i;

function redactValue(key: string, value: unknown): unknown {
  if (secretMapFields.has(key) && value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).map((k) => [k, censor]));
  }
  if (droppedFields.has(key)) {
    return Array.isArray(value) && value.length === 0 ? value : censor;
  }
  if (secretKey.test(key) && typeof value === 'string') {
    return censor;
  }
  return redactRequest(value);
}

export function redactRequest(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => redactRequest(item));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, redactValue(key, v)]));
  }
  return value;
}
