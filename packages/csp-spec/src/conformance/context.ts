// What a case gets: the contract API, unique names, the CSP's claimed features, and fixtures that
// create the objects a case needs (checked like any other answer, removed after the case).
import type {
  AccessProtocol,
  Capabilities,
  Features,
  Host,
  HostRequest,
  PublishInfo,
  Snapshot,
  Volume,
  VolumeCreateRequest,
  VolumeGroup,
} from '../types.js';
import type { ContractApi } from './api.js';
import { expectBody } from './expect.js';
import type { Secrets } from './mask.js';

export interface RunState {
  api: ContractApi;
  prefix: string;
  sizeBytes: number;
  backend: string;
  serviceMode: boolean;
  username: string;
  password: string;
  capabilities: Capabilities | undefined;
  secrets: Secrets;
  /** Run-wide counter behind unique names. */
  counter: { next: number };
  /** The config edit the modify case applies (ConformanceTarget.modifyConfig). */
  modifyConfig: Record<string, string> | undefined;
}

export class CaseContext {
  readonly api: ContractApi;
  readonly make: Fixtures;
  readonly notes: string[] = [];

  constructor(
    private readonly state: RunState,
    readonly caseId: string,
  ) {
    this.api = state.api;
    this.make = new Fixtures(this);
  }

  /** Bytes for the volumes a case creates. */
  get size(): number {
    return this.state.sizeBytes;
  }
  get capabilities(): Capabilities | undefined {
    return this.state.capabilities;
  }
  /** The claimed features, or undefined for a plain HPE-style CSP (no `/capabilities`). */
  get features(): Features | undefined {
    return this.state.capabilities?.features;
  }
  get backend(): string {
    return this.state.backend;
  }
  get serviceMode(): boolean {
    return this.state.serviceMode;
  }
  get username(): string {
    return this.state.username;
  }
  get password(): string {
    return this.state.password;
  }
  get modifyConfig(): Record<string, string> | undefined {
    return this.state.modifyConfig;
  }
  get prefix(): string {
    return this.state.prefix;
  }
  /** The protocol to publish with: the CSP's first advertised one, else iSCSI. */
  get accessProtocol(): AccessProtocol {
    return this.state.capabilities?.access_protocols[0] ?? 'iscsi';
  }

  /** A name no other object of this run (or any other run) has, e.g. `cspconf-1a2b3c4d-vol7`. */
  name(kind: string): string {
    return `${this.state.prefix}-${kind}${this.state.counter.next++}`;
  }

  /** Hides a value the case made up (a CHAP secret, a second token) from the report. */
  secret(value: string): string {
    this.state.secrets.add(value);
    return value;
  }

  note(text: string): void {
    this.notes.push(text);
  }
}

export class Fixtures {
  constructor(private readonly ctx: CaseContext) {}

  async volume(extra: Partial<VolumeCreateRequest> = {}): Promise<Volume> {
    const request: VolumeCreateRequest = { name: this.ctx.name('vol'), size: this.ctx.size, ...extra };
    return expectBody<Volume>(await this.ctx.api.createVolume(request), 'setup: create a volume');
  }

  hostRequest(extra: Partial<HostRequest> = {}): HostRequest {
    const uuid = this.ctx.name('host');
    return {
      uuid,
      name: uuid,
      iqns: [`iqn.2024-01.io.opencsp.conformance:${uuid}`],
      networks: ['192.0.2.10/24'],
      ...extra,
    };
  }

  async host(extra: Partial<HostRequest> = {}): Promise<{ host: Host; request: HostRequest }> {
    const request = this.hostRequest(extra);
    const host = expectBody<Host>(await this.ctx.api.upsertHost(request), 'setup: register a host');
    return { host, request };
  }

  /** A host with an NVMe host NQN (and an IQN, as a node with both initiators has). */
  nvmeHostRequest(extra: Partial<HostRequest> = {}): HostRequest {
    const base = this.hostRequest();
    return { ...base, nqns: [`nqn.2024-01.io.opencsp.conformance:${base.uuid}`], ...extra };
  }

  /** A volume created for NVMe/TCP, published to a fresh host with an NQN. */
  async nvmePublished(host: Partial<HostRequest> = {}): Promise<{ volume: Volume; host: Host; info: PublishInfo }> {
    const volume = await this.volume({ access_protocol: 'nvmetcp' });
    const registered = expectBody<Host>(
      await this.ctx.api.upsertHost(this.nvmeHostRequest(host)),
      'setup: register a host with an NQN',
    );
    const exchange = await this.ctx.api.publish(volume.id, { host_uuid: registered.uuid, access_protocol: 'nvmetcp' });
    return { volume, host: registered, info: expectBody<PublishInfo>(exchange, 'setup: publish over nvmetcp') };
  }

  async snapshot(volumeId: string): Promise<Snapshot> {
    const exchange = await this.ctx.api.createSnapshot({ name: this.ctx.name('snap'), volume_id: volumeId });
    return expectBody<Snapshot>(exchange, 'setup: snapshot the volume');
  }

  async clone(snapshotId: string, extra: Partial<VolumeCreateRequest> = {}): Promise<Volume> {
    const request: VolumeCreateRequest = {
      name: this.ctx.name('clone'),
      clone: true,
      base_snapshot_id: snapshotId,
      ...extra,
    };
    return expectBody<Volume>(await this.ctx.api.createVolume(request), 'setup: clone the snapshot');
  }

  async publish(volumeId: string, hostUuid: string): Promise<PublishInfo> {
    const exchange = await this.ctx.api.publish(volumeId, {
      host_uuid: hostUuid,
      access_protocol: this.ctx.accessProtocol,
    });
    return expectBody<PublishInfo>(exchange, 'setup: publish the volume');
  }

  /** A volume published to a freshly registered host. */
  async published(): Promise<{ volume: Volume; host: Host; info: PublishInfo }> {
    const volume = await this.volume();
    const { host } = await this.host();
    const info = await this.publish(volume.id, host.uuid);
    return { volume, host, info };
  }

  async volumeGroup(): Promise<VolumeGroup> {
    const exchange = await this.ctx.api.createVolumeGroup({ name: this.ctx.name('vg') });
    return expectBody<VolumeGroup>(exchange, 'setup: create a volume group');
  }
}
