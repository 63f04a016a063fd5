// A reference CSP provider that keeps everything in memory (memory-session.ts). It implements the
// contract's full semantics and is what the kit, client and conformance tests run against; vendors
// can read it as a compact example. It is not a storage product. Volume groups and snapshot groups
// live in memory-groups.ts; `MemoryOptions.groups: false` makes a memory CSP without them (the kit
// then answers 501).
import { type ArraySession, type Credentials, CspProblem, type CspProvider } from '../server/index.js';
import type {
  FeatureName,
  SnapshotGroup,
  SnapshotGroupCreateRequest,
  VolumeGroup,
  VolumeGroupCreateRequest,
} from '../types.js';
import { MemoryArray, MemorySession } from './memory-session.js';

export interface MemoryOptions {
  /** Volume groups and snapshot groups (default true). */
  groups?: boolean;
}

/** A memory session with volume groups and snapshot groups. */
export class MemoryGroupSession extends MemorySession {
  constructor(
    protected readonly memory: MemoryArray,
    address: string,
  ) {
    super(memory, address);
  }

  protected override extraClaims(): FeatureName[] {
    return ['volume_groups', 'snapshot_groups'];
  }

  async listVolumeGroups(name: string | undefined): Promise<VolumeGroup[]> {
    return this.memory.groups.list(name, this.memory);
  }
  async createVolumeGroup(request: VolumeGroupCreateRequest): Promise<VolumeGroup> {
    return this.memory.groups.create(request, this.memory);
  }
  async getVolumeGroup(id: string): Promise<VolumeGroup> {
    return this.memory.groups.group(id, this.memory);
  }
  async deleteVolumeGroup(id: string): Promise<void> {
    this.memory.groups.delete(id, this.memory);
  }
  async listSnapshotGroups(volumeGroupId: string, name?: string): Promise<SnapshotGroup[]> {
    return this.memory.groups.listSnapshotGroups(volumeGroupId, name, this.memory);
  }
  async createSnapshotGroup(request: SnapshotGroupCreateRequest): Promise<SnapshotGroup> {
    return this.memory.groups.createSnapshotGroup(request, this.memory);
  }
  async getSnapshotGroup(id: string): Promise<SnapshotGroup> {
    return this.memory.groups.getSnapshotGroup(id, this.memory);
  }
  async deleteSnapshotGroup(id: string): Promise<void> {
    this.memory.groups.deleteSnapshotGroup(id, this.memory);
  }
}

export class MemoryProvider implements CspProvider {
  readonly name = 'memory';
  readonly version = '0.0.0';
  readonly array = new MemoryArray();
  constructor(
    readonly username = 'admin',
    readonly password = 'secret-password',
    readonly options: MemoryOptions = {},
  ) {}

  async openSession(credentials: Credentials): Promise<ArraySession> {
    this.array.loginCount++;
    if (credentials.username !== this.username || credentials.password !== this.password) {
      throw new CspProblem('UNAUTHENTICATED', 'wrong username or password');
    }
    this.array.openSessions++;
    const address = credentials.arrayIp ?? 'memory-array';
    return this.options.groups === false
      ? new MemorySession(this.array, address)
      : new MemoryGroupSession(this.array, address);
  }
  async close(): Promise<void> {}
}
