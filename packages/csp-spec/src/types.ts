// Readable names for the contract's schemas. They are aliases of the generated types, never copies.
import type { components } from './generated/openapi.js';

type Schemas = components['schemas'];

export type ErrorBody = Schemas['Errors'];
export type ErrorItem = Schemas['Error'];
export type ErrorReason = NonNullable<Schemas['Error']['reason']>;
export type TokenRequest = Schemas['TokenRequest'];
export type Token = Schemas['Token'];
export type HostRequest = Schemas['HostRequest'];
export type Host = Schemas['Host'];
export type VolumeCreateRequest = Schemas['VolumeCreateRequest'];
export type VolumeUpdateRequest = Schemas['VolumeUpdateRequest'];
export type Volume = Schemas['Volume'];
export type VolumeHealth = Schemas['VolumeHealth'];
export type PublishOptions = Schemas['PublishOptions'];
export type UnpublishOptions = Schemas['UnpublishOptions'];
export type PublishInfo = Schemas['PublishInfo'];
export type SnapshotCreateRequest = Schemas['SnapshotCreateRequest'];
export type Snapshot = Schemas['Snapshot'];
export type VolumeGroupCreateRequest = Schemas['VolumeGroupCreateRequest'];
export type VolumeGroup = Schemas['VolumeGroup'];
export type SnapshotGroupCreateRequest = Schemas['SnapshotGroupCreateRequest'];
export type SnapshotGroup = Schemas['SnapshotGroup'];
export type ReplicationPartner = Schemas['ReplicationPartner'];
export type Capabilities = Schemas['Capabilities'];
export type Features = Schemas['Capabilities']['features'];
export type FeatureName = keyof Features;
export type CapacityQuery = Schemas['CapacityQuery'];
export type Capacity = Schemas['Capacity'];
export type Config = Schemas['Config'];
export type AccessProtocol = Schemas['AccessProtocol'];
