// What a storage platform implements to become a CSP. The kit owns HTTP, validation, tokens,
// locking and error bodies; a provider only speaks to its array, in the contract's own data shapes.
//
// Rules for implementers:
// - Throw `CspProblem` for every expected failure (not found, name taken, out of space...).
//   Anything else becomes a 500 with a generic message, and its details only reach the log.
// - Never leave a half-created object on the array: undo what you created before rethrowing.
// - Look objects up by name or id with server-side filters; never list the array to find one.
// - Messages must never contain credentials, CHAP secrets or tokens.
import type {
  Capabilities,
  Capacity,
  Config,
  Host,
  HostRequest,
  PublishInfo,
  PublishOptions,
  ReplicationPartner,
  Snapshot,
  SnapshotCreateRequest,
  SnapshotGroup,
  SnapshotGroupCreateRequest,
  UnpublishOptions,
  Volume,
  VolumeCreateRequest,
  VolumeGroup,
  VolumeGroupCreateRequest,
  VolumeUpdateRequest,
} from '../types.js';

export interface Credentials {
  username: string;
  /** Password or API key. Keep it only as long as the session needs it to log in again. */
  password: string;
  /** The array to log in to (service mode), or undefined for the CSP's configured array. */
  arrayIp: string | undefined;
}

/** One page request for list operations. `limit` undefined means "everything". */
export interface PageRequest {
  limit: number | undefined;
  startingToken: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** Token for the next page; undefined on the last page. */
  nextToken: string | undefined;
}

export interface SnapshotFilter {
  volumeId: string | undefined;
  name: string | undefined;
  /** The caller only wants to know whether any snapshot matches: stop at the first. */
  existsOnly: boolean;
}

export interface CspProvider {
  /** Short platform name (`truenas`, `synology`) and the CSP's version, for capabilities and logs. */
  readonly name: string;
  readonly version: string;
  /**
   * Logs in to the array. Throws UNAUTHENTICATED for bad credentials (never retried by the kit),
   * UNAVAILABLE when the array cannot be reached, INVALID_INPUT for a malformed array address.
   */
  openSession(credentials: Credentials): Promise<ArraySession>;
  /** Releases shared resources at shutdown (sessions are closed by the kit before this). */
  close(): Promise<void>;
  /**
   * The pool a capacity request's config selects (a label of opencsp_array_capacity_bytes), called
   * only after the session answered it: '' for the default pool. Absent: every answer is `default`.
   */
  capacityPool?(config: Config): string;
}

/**
 * An authenticated session with one array. Methods take contract shapes and return contract shapes.
 * Optional methods that are absent make the matching route answer 501.
 */
export interface ArraySession {
  /** A stable identity of the array (address or serial), matched against `x-array-ip`. */
  readonly arrayAddress: string;
  capabilities(): Promise<Capabilities>;
  /** Ends the array session. Called once, when the token expires or is deleted, or at shutdown. */
  close(): Promise<void>;

  listHosts(): Promise<Host[]>;
  /** Upsert keyed by `uuid`. */
  upsertHost(host: HostRequest): Promise<Host>;
  /** NOT_FOUND when absent; HAS_DEPENDENTS (409) while volumes are published to it. */
  deleteHost(id: string): Promise<void>;
  /** Succeeds when absent; HAS_DEPENDENTS (409) while volumes are published to it. */
  deleteHostByUuid(uuid: string): Promise<void>;

  /**
   * undefined when no volume has that name. `volumeGroupId` (only passed to CSPs with volume
   * groups) scopes the lookup to that group; NOT_FOUND when the group is unknown.
   */
  findVolumeByName(name: string, volumeGroupId?: string): Promise<Volume | undefined>;
  listVolumes(page: PageRequest): Promise<Page<Volume>>;
  /** NAME_TAKEN when the name is used; NOT_FOUND when the base snapshot is unknown. */
  createVolume(request: VolumeCreateRequest): Promise<Volume>;
  /** NOT_FOUND when absent. */
  getVolume(id: string): Promise<Volume>;
  updateVolume(id: string, request: VolumeUpdateRequest): Promise<Volume>;
  /** PUBLISHED (400) unless `force`; HAS_DEPENDENTS (409) with snapshots or clones. */
  deleteVolume(id: string, options: { force: boolean }): Promise<void>;
  publishVolume(id: string, options: PublishOptions): Promise<PublishInfo>;
  unpublishVolume(id: string, options: UnpublishOptions): Promise<void>;

  listSnapshots(filter: SnapshotFilter, page: PageRequest): Promise<Page<Snapshot>>;
  createSnapshot(request: SnapshotCreateRequest): Promise<Snapshot>;
  getSnapshot(id: string): Promise<Snapshot>;
  /** HAS_DEPENDENTS (409) while clones of it exist. */
  deleteSnapshot(id: string): Promise<void>;

  queryCapacity?(config: Config): Promise<Capacity>;

  listVolumeGroups?(name: string | undefined): Promise<VolumeGroup[]>;
  createVolumeGroup?(request: VolumeGroupCreateRequest): Promise<VolumeGroup>;
  getVolumeGroup?(id: string): Promise<VolumeGroup>;
  deleteVolumeGroup?(id: string): Promise<void>;

  /** `name` narrows the list to that snapshot group (an empty list when there is none). */
  listSnapshotGroups?(volumeGroupId: string, name?: string): Promise<SnapshotGroup[]>;
  /**
   * Crash-consistent: every volume of the group at one instant. With `volume_ids`, INVALID_INPUT
   * (field `body.volume_ids`) when the group's volumes differ, leaving nothing behind.
   */
  createSnapshotGroup?(request: SnapshotGroupCreateRequest): Promise<SnapshotGroup>;
  getSnapshotGroup?(id: string): Promise<SnapshotGroup>;
  /** HAS_DEPENDENTS (409), deleting nothing, while a clone of one of its snapshots exists. */
  deleteSnapshotGroup?(id: string): Promise<void>;

  /** Absent: the array has no replication, and the route answers an empty list. */
  listReplicationPartners?(): Promise<ReplicationPartner[]>;
}
