// The host's iSCSI initiator name(s) from /etc/iscsi/initiatorname.iscsi (under the host root).
import { failedPrecondition } from '../errors.js';
import type { HostFiles } from './files.js';

export const initiatorNameFile = '/etc/iscsi/initiatorname.iscsi';

/** `InitiatorName=` values of the file, comments ignored. */
export function parseInitiatorNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*InitiatorName\s*=\s*(\S+)\s*$/.exec(line);
    if (m?.[1]) {
      names.push(m[1]);
    }
  }
  return names;
}

/** Reads the initiator names; a missing file or one without a name is FailedPrecondition. */
export async function readInitiatorNames(files: HostFiles, path = initiatorNameFile): Promise<string[]> {
  const text = await files.readText(path);
  if (text === undefined) {
    throw failedPrecondition(`${path} not found on the host: install open-iscsi and start iscsid once`);
  }
  const names = parseInitiatorNames(text);
  if (names.length === 0) {
    const pending = /^\s*GenerateName\s*=\s*yes/m.test(text)
      ? ' (GenerateName=yes: iscsid generates it on first start)'
      : '';
    throw failedPrecondition(`${path} holds no InitiatorName${pending}`);
  }
  for (const name of names) {
    if (!/^(iqn\.\d{4}-\d{2}\.[^\s;,]+|eui\.[0-9A-Fa-f]{16}|naa\.[0-9A-Fa-f]{16,32})$/.test(name)) {
      throw failedPrecondition(`${path} holds an invalid initiator name ${JSON.stringify(name)}`);
    }
  }
  return names;
}
