// The arrays the e2e suites run on, each with the CSP settings whose semantics the checks expect:
// TrueNAS in both releases the simulator plays (25.10 and 26 answer refusals differently);
// csp-synology keeps nodes apart with DSM 7 host objects (masking `hosts`, its default), and the
// CHAP checks also run in masking `chap`, where the node target's CHAP is the only barrier.
import type { E2eStack, E2eStackOptions } from '@opencsp/testbed/e2e';

export interface E2eBackendCase {
  name: string;
  options: E2eStackOptions;
}

/** `describe.each` rows: `[name, options]`, so that `%s` prints the name unquoted. */
export const rows = (cases: E2eBackendCase[]) => cases.map((c) => [c.name, c.options] as const);

export const e2eBackends: E2eBackendCase[] = [
  {
    name: 'csp-truenas + TrueNAS 25.10 simulator',
    options: { backend: 'truenas', truenas: { sim: { version: '25.10' } } },
  },
  {
    name: 'csp-truenas + TrueNAS 26 simulator',
    options: { backend: 'truenas', truenas: { sim: { version: '26.0' } } },
  },
  {
    name: 'csp-synology + DSM simulator, masking hosts',
    options: { backend: 'synology', synology: { csp: { masking: 'hosts' } } },
  },
];

/** Backends for the CHAP checks: every e2e backend, plus Synology with CHAP as its only masking. */
export const chapBackends: E2eBackendCase[] = [
  ...e2eBackends,
  {
    name: 'csp-synology + DSM simulator, masking chap',
    options: { backend: 'synology', synology: { csp: { masking: 'chap' } } },
  },
];

/** A PVC size the array creates as asked: `bytes`, or the array's minimum when that is larger. */
export function pvcSize(stack: E2eStack, bytes: number): number {
  return Math.max(bytes, stack.backend.minVolumeSize);
}

/** The leftover line of the stack node's host registration (TrueNAS initiator group, CSP registration). */
export function nodeHostLine(stack: E2eStack): RegExp {
  return new RegExp(`host\\S*[: ]${stack.nodeName.replaceAll('.', '\\.')}\\b`);
}
