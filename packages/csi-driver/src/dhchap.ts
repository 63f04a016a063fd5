// NVMe/TCP DH-CHAP secrets from the StorageClass secret (`dhchapKey`, `dhchapCtrlKey`), read the
// same way by the controller (host registration) and the node (`nvme connect`). Validated here,
// never logged, never put in a publish context or a state file.
import { secretKeys } from './constants.js';
import { invalidArgument } from './errors.js';

export interface DhchapSecrets {
  /** The secret the host presents. */
  readonly key: string;
  /** Bidirectional: the secret the array's controller presents back. */
  readonly ctrlKey?: string;
}

/** `nvme gen-dhchap-key` output: `DHHC-1:<hmac 00-03>:<base64 secret + CRC-32>:`. */
const keyPattern = /^DHHC-1:0[0-3]:[A-Za-z0-9+/]{20,}={0,2}:$/;

export function dhchapFromSecrets(
  secrets: Readonly<Record<string, string>> | null | undefined,
): DhchapSecrets | undefined {
  const key = secrets?.[secretKeys.dhchapKey];
  const ctrlKey = secrets?.[secretKeys.dhchapCtrlKey];
  if (!key && !ctrlKey) {
    return undefined;
  }
  if (!key) {
    throw invalidArgument(`secrets.${secretKeys.dhchapKey}: bidirectional DH-CHAP (dhchapCtrlKey) needs dhchapKey`);
  }
  for (const [name, value] of [
    [secretKeys.dhchapKey, key],
    [secretKeys.dhchapCtrlKey, ctrlKey],
  ] as const) {
    if (value !== undefined && value !== '' && !keyPattern.test(value)) {
      throw invalidArgument(`secrets.${name}: must be a DH-CHAP key as nvme gen-dhchap-key prints it (DHHC-1:0N:…:)`);
    }
  }
  if (ctrlKey && ctrlKey === key) {
    throw invalidArgument(`secrets.${secretKeys.dhchapCtrlKey}: must differ from dhchapKey`);
  }
  return ctrlKey ? { key, ctrlKey } : { key };
}
