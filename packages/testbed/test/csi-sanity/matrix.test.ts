// Which runs `pnpm sanity` makes from its --backend, --access and --protocol selection.
import { combinationName, combinations } from '@opencsp/testbed/csi-sanity';
import { describe, expect, it } from 'vitest';

describe('csi-sanity matrix', () => {
  it('runs both arrays over iSCSI with both access types, and TrueNAS over NVMe/TCP with mounts', () => {
    const runs = combinations({
      backends: ['truenas', 'synology'],
      access: ['mount', 'block'],
      protocols: ['iscsi', 'nvmetcp'],
    });
    expect(runs.map(combinationName)).toEqual([
      'truenas-mount',
      'truenas-block',
      'synology-mount',
      'synology-block',
      'truenas-nvmetcp-mount',
    ]);
  });

  it('makes no NVMe/TCP run for DSM, which has no NVMe-oF target', () => {
    expect(combinations({ backends: ['synology'], access: ['mount'], protocols: ['nvmetcp'] })).toEqual([]);
    expect(combinations({ backends: ['truenas'], access: ['block'], protocols: ['nvmetcp'] })).toEqual([]);
  });
});
