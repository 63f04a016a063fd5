// Input rules the nvmet services share: the NQN type (api/base/types/nvmet.py), DH-CHAP key checks
// (plugins/nvmet/host.py), request parsing into validation errors, and the API shape of each row
// (what the services' extend steps and foreign-key expansion return).
import { type FieldError, unexpectedException, validationErrors } from '../rpc/errors.js';
import { check, type Schema, s } from '../rpc/schema.js';
import type { SimCore } from '../state/core.js';
import type { NvmetHostRow, NvmetNamespaceRow, NvmetPortRow, NvmetSubsysRow } from './types.js';

export const discoveryNqn = 'nqn.2014-08.org.nvmexpress.discovery';
const uuidPrefix = 'nqn.2014-08.org.nvmexpress:uuid:';
const uuidPattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const domainPattern = /^((?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)+[A-Za-z]{2,}$/;

/** Why `nqn` is not an NQN (pydantic's `Value error, …` text), or undefined. */
export function nqnProblem(nqn: string): string | undefined {
  if (nqn.length < 11) {
    return 'String should have at least 11 characters';
  }
  if (nqn.length > 223) {
    return 'String should have at most 223 characters';
  }
  if (nqn === discoveryNqn) {
    return undefined;
  }
  if (nqn.startsWith(uuidPrefix)) {
    const rest = nqn.slice(uuidPrefix.length);
    if (nqn.length !== uuidPrefix.length + 36) {
      return `Value error, ${nqn}: uuid is incorrect length`;
    }
    return uuidPattern.test(rest) ? undefined : 'Value error, badly formed hexadecimal UUID string';
  }
  if (!nqn.startsWith('nqn.')) {
    return `Value error, ${nqn}: must start with "nqn"`;
  }
  if (!/^nqn.\d{4}-\d{2}\..*/.test(nqn)) {
    return `Value error, ${nqn}: must start with "nqn.YYYY-MM.<reverse.domain>"`;
  }
  if (!nqn.slice(12).includes('.')) {
    return `Value error, ${nqn}: must start with "nqn.YYYY-MM.<reverse.domain>" - domain missing`;
  }
  const reverse = (nqn.slice(12).split(':', 1)[0] as string).split('.').reverse().join('.');
  return domainPattern.test(reverse) ? undefined : `Value error, ${nqn}: domain does not appear to be valid`;
}

/** `base64.b64decode` as Python runs it: characters outside the alphabet dropped, padding enforced. */
function b64Length(text: string): number {
  const kept = text.replace(/[^A-Za-z0-9+/=]/g, '');
  const data = kept.replace(/=/g, '');
  if (data.length % 4 === 1) {
    throw unexpectedException(
      `Invalid base64-encoded string: number of data characters (${data.length}) cannot be 1 more than a multiple of 4`,
      'Error',
    );
  }
  if (kept.length % 4 !== 0) {
    throw unexpectedException('Incorrect padding', 'Error');
  }
  return Buffer.from(kept, 'base64').length;
}

/** The host service's DH-CHAP key check, or undefined when `key` passes. */
export function dhchapKeyProblem(key: string): string | undefined {
  const sizes: Record<string, number> = { 'DHHC-1:01:': 36, 'DHHC-1:02:': 52, 'DHHC-1:03:': 68 };
  const prefix = key.slice(0, 10);
  if (prefix === 'DHHC-1:00:') {
    return key.endsWith(':') ? undefined : 'Unexpected key termination. Use "nvme gen-dhchap-key" to generate.';
  }
  const size = sizes[prefix];
  if (size === undefined) {
    return 'Unexpected key format. Use "nvme gen-dhchap-key" to generate.';
  }
  return b64Length(key.split(':')[2] ?? '') === size ? undefined : `Expected key length of ${size - 4}`;
}

/** Parses one argument against a schema; problems become a -32602 with `data.extra`. */
export function parse(value: unknown, schema: Schema, argName: string): Record<string, unknown> {
  const problems: FieldError[] = [];
  const out = check(value, schema, argName, problems) as Record<string, unknown>;
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
  return out;
}

/** The same object schema with every field optional and without defaults (ForUpdateMetaclass). */
export function partial(schema: Schema): Schema {
  return schema.kind === 'obj'
    ? s.obj(
        Object.fromEntries(Object.entries(schema.fields).map(([k, f]) => [k, { schema: f.schema, required: false }])),
      )
    : schema;
}

export const isV26 = (sim: SimCore): boolean => sim.config.version.startsWith('26');

export function showHost(sim: SimCore, row: NvmetHostRow): Record<string, unknown> {
  const { description, ...rest } = row;
  return isV26(sim) ? { ...rest, description } : { ...rest };
}

export function showSubsys(_sim: SimCore, row: NvmetSubsysRow): Record<string, unknown> {
  return { ...row, hosts: [], namespaces: [], ports: [] };
}

export function showPort(_sim: SimCore, row: NvmetPortRow): Record<string, unknown> {
  const trsvcid = row.addr_trtype === 'FC' || row.addr_trsvcid === null ? row.addr_trsvcid : Number(row.addr_trsvcid);
  return { ...row, addr_trsvcid: trsvcid };
}

export function showNamespace(sim: SimCore, row: NvmetNamespaceRow): Record<string, unknown> {
  const { subsys_id, ...rest } = row;
  const subsys = sim.nvmet.subsys.get(subsys_id);
  const shown: Record<string, unknown> = {
    ...rest,
    subsys: subsys ? showSubsys(sim, subsys) : null,
    locked: false,
  };
  if (isV26(sim)) {
    shown.dataset = null;
    shown.relative_path = null;
  }
  return shown;
}
