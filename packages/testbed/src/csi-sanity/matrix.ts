// What `pnpm sanity` runs: each array simulator behind its CSP, with volumes of each access type.
export const backends = ['truenas', 'synology'] as const;
export type Backend = (typeof backends)[number];

export const accessTypes = ['mount', 'block'] as const;
export type AccessType = (typeof accessTypes)[number];

export interface Combination {
  backend: Backend;
  access: AccessType;
}

/** `truenas-mount`, used for report and log file names. */
export function combinationName(c: Combination): string {
  return `${c.backend}-${c.access}`;
}
