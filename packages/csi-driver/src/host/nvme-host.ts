// The host's NVMe identity: /etc/nvme/hostnqn and /etc/nvme/hostid (under the host root), as
// nvme-cli and the kernel use them. The NQN goes into the node id (the array admits hosts by NQN);
// both are passed to every `nvme connect`, so the kernel never sees one host with two identities.
import { failedPrecondition } from '../errors.js';
import type { HostFiles } from './files.js';

export const hostNqnFile = '/etc/nvme/hostnqn';
export const hostIdFile = '/etc/nvme/hostid';

const nqnPattern = /^nqn\.\d{4}-\d{2}\.[^\s;,]+$/;
const zeroUuidNqn = /:uuid:0{8}-0{4}-0{4}-0{4}-0{12}$/i;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NvmeHostIdentity {
  readonly hostnqn: string;
  /** Absent when the host has no /etc/nvme/hostid (nvme-cli then derives one). */
  readonly hostid?: string;
}

/** The first non-empty, non-comment line of a file's text. */
function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
}

/** A host NQN from hostnqn file text; a reason when it is not one. */
export function parseHostNqn(text: string): string | { problem: string; remedy?: string } {
  const nqn = firstLine(text);
  if (!nqn) {
    return { problem: 'is empty' };
  }
  if (!nqnPattern.test(nqn) || nqn.length > 223) {
    return { problem: `holds ${JSON.stringify(nqn.slice(0, 80))}, which is not an NVMe qualified name` };
  }
  if (zeroUuidNqn.test(nqn)) {
    // nvme gen-hostnqn falls back to a zero UUID on machines without a DMI product UUID (seen in a
    // QEMU guest): every such host would be the same host to the array.
    return {
      problem: `holds ${nqn}, whose UUID is all zeros and so is not unique to this host`,
      remedy: 'write nqn.2014-08.org.nvmexpress:uuid:$(uuidgen) there',
    };
  }
  return nqn;
}

/** A host id (UUID) from hostid file text; a reason when it is not one. */
export function parseHostId(text: string): string | { problem: string } {
  const id = firstLine(text);
  if (!id || !uuidPattern.test(id)) {
    return { problem: `holds ${JSON.stringify((id ?? '').slice(0, 40))}, which is not a UUID` };
  }
  return id.toLowerCase();
}

/**
 * Reads the host's NQN and id. Without a hostnqn file: undefined (the node has no NVMe identity).
 * A malformed file is FAILED_PRECONDITION naming it.
 */
export async function readNvmeHost(files: HostFiles): Promise<NvmeHostIdentity | undefined> {
  const nqnText = await files.readText(hostNqnFile);
  if (nqnText === undefined) {
    return undefined;
  }
  const hostnqn = parseHostNqn(nqnText);
  if (typeof hostnqn !== 'string') {
    throw failedPrecondition(
      `${hostNqnFile} ${hostnqn.problem}: ${hostnqn.remedy ?? 'regenerate it with nvme gen-hostnqn'}`,
    );
  }
  const idText = await files.readText(hostIdFile);
  if (idText === undefined) {
    return { hostnqn };
  }
  const hostid = parseHostId(idText);
  if (typeof hostid !== 'string') {
    throw failedPrecondition(`${hostIdFile} ${hostid.problem}: write the host's UUID there (uuidgen)`);
  }
  return { hostnqn, hostid };
}
