// One request builder per contract operation. Each returns the raw exchange (status, headers,
// body) so that cases check exact answers; nothing here interprets a status.
import type {
  HostRequest,
  PublishOptions,
  SnapshotCreateRequest,
  SnapshotGroupCreateRequest,
  TokenRequest,
  UnpublishOptions,
  VolumeCreateRequest,
  VolumeGroupCreateRequest,
  VolumeUpdateRequest,
} from '../types.js';
import type { Exchange, Probe, ProbeRequest } from './probe.js';

const enc = encodeURIComponent;
type Extra = Pick<ProbeRequest, 'auth' | 'arrayIp'>;

export class ContractApi {
  constructor(private readonly probe: Probe) {}

  send(request: ProbeRequest): Promise<Exchange> {
    return this.probe.send(request);
  }

  login(body: TokenRequest): Promise<Exchange> {
    return this.send({ operation: 'createToken', method: 'POST', path: '/tokens', body, auth: 'none', arrayIp: null });
  }
  logout(id: string, extra: Extra = {}): Promise<Exchange> {
    return this.send({ operation: 'deleteToken', method: 'DELETE', path: `/tokens/${enc(id)}`, ...extra });
  }

  listHosts(extra: Extra = {}): Promise<Exchange> {
    return this.send({ operation: 'listHosts', method: 'GET', path: '/hosts', ...extra });
  }
  upsertHost(body: HostRequest): Promise<Exchange> {
    return this.send({ operation: 'upsertHost', method: 'POST', path: '/hosts', body });
  }
  deleteHost(id: string): Promise<Exchange> {
    return this.send({ operation: 'deleteHost', method: 'DELETE', path: `/hosts/${enc(id)}` });
  }
  deleteHostByUuid(uuid: string): Promise<Exchange> {
    return this.send({ operation: 'deleteHostByUuid', method: 'DELETE', path: '/hosts', query: { uuid } });
  }

  listVolumes(
    query: { name?: string; volume_group_id?: string; limit?: number; starting_token?: string } = {},
    extra: Extra = {},
  ) {
    return this.send({ operation: 'listVolumes', method: 'GET', path: '/volumes', query, ...extra });
  }
  createVolume(body: VolumeCreateRequest, extra: Extra = {}): Promise<Exchange> {
    return this.send({ operation: 'createVolume', method: 'POST', path: '/volumes', body, ...extra });
  }
  getVolume(id: string): Promise<Exchange> {
    return this.send({ operation: 'getVolume', method: 'GET', path: `/volumes/${enc(id)}` });
  }
  updateVolume(id: string, body: VolumeUpdateRequest): Promise<Exchange> {
    return this.send({ operation: 'updateVolume', method: 'PUT', path: `/volumes/${enc(id)}`, body });
  }
  deleteVolume(id: string, force = false): Promise<Exchange> {
    return this.send({ operation: 'deleteVolume', method: 'DELETE', path: `/volumes/${enc(id)}`, query: { force } });
  }
  publish(id: string, body: PublishOptions): Promise<Exchange> {
    return this.send({ operation: 'publishVolume', method: 'PUT', path: `/volumes/${enc(id)}/actions/publish`, body });
  }
  unpublish(id: string, body: UnpublishOptions): Promise<Exchange> {
    return this.send({
      operation: 'unpublishVolume',
      method: 'PUT',
      path: `/volumes/${enc(id)}/actions/unpublish`,
      body,
    });
  }

  listSnapshots(query: { volume_id?: string; name?: string; mode?: string; limit?: number } = {}): Promise<Exchange> {
    return this.send({ operation: 'listSnapshots', method: 'GET', path: '/snapshots', query });
  }
  createSnapshot(body: SnapshotCreateRequest): Promise<Exchange> {
    return this.send({ operation: 'createSnapshot', method: 'POST', path: '/snapshots', body });
  }
  getSnapshot(id: string): Promise<Exchange> {
    return this.send({ operation: 'getSnapshot', method: 'GET', path: `/snapshots/${enc(id)}` });
  }
  deleteSnapshot(id: string): Promise<Exchange> {
    return this.send({ operation: 'deleteSnapshot', method: 'DELETE', path: `/snapshots/${enc(id)}` });
  }

  capabilities(): Promise<Exchange> {
    return this.send({ operation: 'getCapabilities', method: 'GET', path: '/capabilities' });
  }
  capacity(body: { config?: Record<string, string | number | boolean> }): Promise<Exchange> {
    return this.send({ operation: 'queryCapacity', method: 'POST', path: '/capacity', body });
  }

  listVolumeGroups(name?: string): Promise<Exchange> {
    return this.send({ operation: 'listVolumeGroups', method: 'GET', path: '/volume_groups', query: { name } });
  }
  createVolumeGroup(body: VolumeGroupCreateRequest): Promise<Exchange> {
    return this.send({ operation: 'createVolumeGroup', method: 'POST', path: '/volume_groups', body });
  }
  getVolumeGroup(id: string): Promise<Exchange> {
    return this.send({ operation: 'getVolumeGroup', method: 'GET', path: `/volume_groups/${enc(id)}` });
  }
  deleteVolumeGroup(id: string): Promise<Exchange> {
    return this.send({ operation: 'deleteVolumeGroup', method: 'DELETE', path: `/volume_groups/${enc(id)}` });
  }
  listSnapshotGroups(volumeGroupId: string | undefined, name?: string): Promise<Exchange> {
    return this.send({
      operation: 'listSnapshotGroups',
      method: 'GET',
      path: '/snapshot_groups',
      query: { volume_group_id: volumeGroupId, name },
    });
  }
  createSnapshotGroup(body: SnapshotGroupCreateRequest): Promise<Exchange> {
    return this.send({ operation: 'createSnapshotGroup', method: 'POST', path: '/snapshot_groups', body });
  }
  getSnapshotGroup(id: string): Promise<Exchange> {
    return this.send({ operation: 'getSnapshotGroup', method: 'GET', path: `/snapshot_groups/${enc(id)}` });
  }
  deleteSnapshotGroup(id: string): Promise<Exchange> {
    return this.send({ operation: 'deleteSnapshotGroup', method: 'DELETE', path: `/snapshot_groups/${enc(id)}` });
  }
  listReplicationPartners(name?: string): Promise<Exchange> {
    return this.send({
      operation: 'listReplicationPartners',
      method: 'GET',
      path: '/replication_partners',
      query: { name },
    });
  }
}
