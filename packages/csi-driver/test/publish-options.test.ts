// What ControllerPublishVolume asks of a CSP, by the features it claims.
import { describe, expect, it } from 'vitest';
import { publishOptions } from '../src/controller/publish.js';

describe('publish options', () => {
  it('sends read_only only where the CSP enforces or records it, and the limit where it is honoured', () => {
    expect(publishOptions('n', 'iscsi', true, {}, 4)).toEqual({ host_uuid: 'n', access_protocol: 'iscsi' });
    expect(publishOptions('n', 'iscsi', true, { read_only_publish: true }, 0)).toMatchObject({ read_only: true });
    expect(publishOptions('n', 'iscsi', false, { read_only_publish: true }, 0)).not.toHaveProperty('read_only');
    // A CSP that records it must hear false too, or it could not tell a read-write publish apart.
    expect(publishOptions('n', 'iscsi', false, { read_only_per_host: true }, 0)).toMatchObject({ read_only: false });
    expect(publishOptions('n', 'iscsi', true, { read_only_per_host: true }, 0)).toMatchObject({ read_only: true });
    expect(publishOptions('n', 'iscsi', false, { host_volume_limit: true }, 4)).toMatchObject({ host_volume_limit: 4 });
    expect(publishOptions('n', 'iscsi', false, { host_volume_limit: true }, 0)).not.toHaveProperty('host_volume_limit');
  });

  it('asks for the protocol the volume is served over', () => {
    expect(publishOptions('n', 'nvmetcp', false, {}, 0)).toEqual({ host_uuid: 'n', access_protocol: 'nvmetcp' });
  });
});
