// Every case, in the order a run executes them, and the final cleanup check.
import type { AccessProtocol, FeatureName } from '../../types.js';
import { ConformanceOptionsError } from '../errors.js';
import type { Area, ConformanceCase } from '../types.js';
import { accessCases } from './access.js';
import { cloneCases } from './clones.js';
import { expansionCases } from './expansion.js';
import { extensionCases } from './extensions.js';
import { groupCases } from './groups.js';
import { hostCases } from './hosts.js';
import { modifyCases } from './modify.js';
import { nvmeCases } from './nvme.js';
import { publishCases } from './publish.js';
import { snapshotCases } from './snapshots.js';
import { tokenCases } from './tokens.js';
import { validationCases } from './validation.js';
import { volumeCases } from './volumes.js';

export const allCases: readonly ConformanceCase[] = [
  ...tokenCases,
  ...hostCases,
  ...volumeCases,
  ...publishCases,
  ...snapshotCases,
  ...cloneCases,
  ...expansionCases,
  ...groupCases,
  ...nvmeCases,
  ...extensionCases,
  ...modifyCases,
  ...accessCases,
  ...validationCases,
];

export interface CaseInfo {
  id: string;
  area: Area;
  title: string;
  feature?: FeatureName;
  protocol?: AccessProtocol;
  serviceModeOnly?: boolean;
}

/** Always runs last: everything the run created is gone, checked by name and id, and the session is closed. */
export const cleanupCase: CaseInfo = {
  id: 'cleanup',
  area: 'cleanup',
  title: 'everything the suite created is gone (looked up by name and id) and its session is logged out',
};

/** Every case id, title and feature, cleanup included, for listings and documentation. */
export function listCases(): CaseInfo[] {
  const info = allCases.map(({ id, area, title, feature, protocol, serviceModeOnly }) => ({
    id,
    area,
    title,
    ...(feature ? { feature } : {}),
    ...(protocol ? { protocol } : {}),
    ...(serviceModeOnly ? { serviceModeOnly } : {}),
  }));
  return [...info, cleanupCase];
}

/**
 * The cases `only` names, by id or by area (`volumes` selects every `volumes.*` case), in run
 * order; all cases when `only` is undefined or empty. Unknown names are an error.
 */
export function selectCases(cases: readonly ConformanceCase[], only?: readonly string[]): ConformanceCase[] {
  if (!only || only.length === 0) {
    return [...cases];
  }
  const known = new Set([...cases.flatMap((c) => [c.id, c.area]), cleanupCase.id]);
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ConformanceOptionsError(`unknown case id(s): ${unknown.join(', ')} (list them with --list)`);
  }
  return cases.filter((c) => only.includes(c.id) || only.includes(c.area));
}
