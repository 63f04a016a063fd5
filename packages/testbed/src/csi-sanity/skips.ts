// Every csi-sanity spec that does not run against opencsp, and why. csi-sanity decides these
// skips itself (from the capabilities the driver advertises, or because the spec is pending
// upstream); this list is what we expect, and docs/testing.md shows it as a table (a test checks
// that the two agree). The runner turns a skip that is not listed here into a failure, and a
// listed spec that ran into a failure too, so the list and the docs cannot drift from the truth.

import type { Combination } from './matrix.js';

export interface SkipEntry {
  /** The spec's full text as csi-sanity names it (without Ginkgo's `[It] `). */
  spec: string;
  /** Why it does not run: shown in the report and in docs/testing.md. */
  reason: string;
  /** Only for some combinations; absent: every combination. */
  only?: (combination: Combination) => boolean;
}

const groupController =
  'Synology rows only: csp-synology claims no snapshot_groups (DSM has no crash-consistent snapshot of several LUNs), so the driver advertises neither GROUP_CONTROLLER_SERVICE nor CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT';

export const skipList: readonly SkipEntry[] = [
  ...[
    'GroupController Service [GroupController Server] GroupControllerGetCapabilities should return appropriate capabilities',
    'GroupController Service [GroupController VolumeGroupSnapshots] CreateVolumeGroupSnapshot should fail when no name is provided',
    'GroupController Service [GroupController VolumeGroupSnapshots] GetVolumeGroupSnapshot should fail when no volume id is provided',
    'GroupController Service [GroupController VolumeGroupSnapshots] GetVolumeGroupSnapshot should fail when an invalid volume id is used',
    'GroupController Service [GroupController VolumeGroupSnapshots] DeleteVolumeGroupSnapshot should fail when no volume id is provided',
    'GroupController Service [GroupController VolumeGroupSnapshots] DeleteVolumeGroupSnapshot should succeed when an invalid volume id is used',
  ].map((spec) => ({ spec, reason: groupController, only: (c: Combination) => c.backend === 'synology' })),
  {
    spec: 'Controller Service [Controller Server] ListVolumes pagination should detect volumes added between pages and accept tokens when the last volume from a page is deleted',
    reason: 'Pending in csi-sanity itself (declared pending upstream at 2f1e2f2): it never runs for any driver',
  },
];

/** The entry that explains a skipped spec in this combination, if any. */
export function skipReason(spec: string, combination: Combination): string | undefined {
  return skipList.find((e) => e.spec === spec && (e.only?.(combination) ?? true))?.reason;
}

/** The entries that apply to this combination. */
export function expectedSkips(combination: Combination): SkipEntry[] {
  return skipList.filter((e) => e.only?.(combination) ?? true);
}
