// Test harness: a NodeService with the real iSCSI transport on a FakeHost, kubelet paths and the
// state directory in a temp dir, and request builders for one array with two portals.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DriverError } from '../../src/errors.js';
import type { MultipathPolicy } from '../../src/host/readiness.js';
import type { IscsiTiming } from '../../src/node/iscsi/context.js';
import { IscsiTransport } from '../../src/node/iscsi/transport.js';
import type {
  AccessModeName,
  NodePublishVolumeRequest,
  NodeStageVolumeRequest,
  StringMap,
} from '../../src/node/messages.js';
import { NvmeTransport } from '../../src/node/nvme/transport.js';
import { NodeService } from '../../src/node/service.js';
import { FileStateStore, type StateStore } from '../../src/state/store.js';
import type { VolumeState } from '../../src/state/volume-state.js';
import { FakeHost } from './fake/host.js';

export const iqn = 'iqn.2005-10.org.freenas.ctl:pvc-one';
export const portals = ['10.0.0.1:3260', '10.0.0.2:3260'];
export const gib = 1024 ** 3;

/** Counts state writes as side effects so a crash can happen right after one. */
class CountingStore implements StateStore {
  constructor(
    private readonly inner: StateStore,
    private readonly host: FakeHost,
  ) {}
  get(id: string) {
    this.host.assertAlive();
    return this.inner.get(id);
  }
  list() {
    return this.inner.list();
  }
  async put(state: VolumeState) {
    this.host.assertAlive();
    await this.inner.put(state);
    this.host.step();
  }
  async remove(id: string) {
    this.host.assertAlive();
    await this.inner.remove(id);
    this.host.step();
  }
}

export interface Harness {
  host: FakeHost;
  dir: string;
  stateDir: string;
  store: StateStore;
  service: NodeService;
  /** A fresh service over the same host and state dir (a restarted plugin). */
  restart(): NodeService;
  cleanup(): Promise<void>;
}

export const fastTiming: Partial<IscsiTiming> = {
  deviceTimeoutMs: 5_000,
  pollIntervalMs: 100,
  mapTimeoutMs: 5_000,
  preferredMapTimeoutMs: 1_000,
  flushRetries: 2,
  flushRetryDelayMs: 100,
};

export async function createHarness(policy: MultipathPolicy = 'required'): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'opencsp-node-'));
  const stateDir = join(dir, 'state');
  const host = new FakeHost();
  host.kernel.addTarget(iqn, portals);
  host.kernel.addLun(iqn, 1, gib, '6589cfc000000a1b2c3d4e5f60718201');
  const store = new CountingStore(new FileStateStore(stateDir), host);
  const make = () =>
    new NodeService({
      runner: host,
      files: host.files,
      store,
      clock: host.clock,
      transports: [
        new IscsiTransport({
          runner: host,
          files: host.files,
          clock: host.clock,
          multipath: policy,
          timing: fastTiming,
        }),
        new NvmeTransport({
          runner: host,
          files: host.files,
          clock: host.clock,
          multipath: policy,
          store,
          timing: { deviceTimeoutMs: 2_000, pollIntervalMs: 100, disconnectTimeoutMs: 1_000 },
        }),
      ],
      options: {
        nodeName: 'worker-1',
        unmount: { attempts: 3, retryDelayMs: 100 },
        growTimeoutMs: 1_000,
        pollIntervalMs: 100,
      },
    });
  const harness: Harness = {
    host,
    dir,
    stateDir,
    store,
    service: make(),
    restart: () => {
      harness.service = make();
      return harness.service;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  return harness;
}

export function publishContext(overrides: StringMap = {}): StringMap {
  return {
    serialNumber: '6589cfc000000a1b2c3d4e5f60718201',
    accessProtocol: 'iscsi',
    targetNames: iqn,
    lunId: '1',
    discoveryIps: '10.0.0.1,10.0.0.2',
    targetScope: 'volume',
    ...overrides,
  };
}

export interface StageOptions {
  volumeId?: string;
  fsType?: string;
  block?: boolean;
  mode?: AccessModeName;
  mountFlags?: string[];
  context?: StringMap;
  secrets?: StringMap;
}

export function stageRequest(h: Harness, o: StageOptions = {}): NodeStageVolumeRequest {
  const volumeId = o.volumeId ?? 'vol-1';
  return {
    volumeId,
    publishContext: publishContext(o.context),
    stagingTargetPath: join(h.dir, 'staging', volumeId),
    volumeCapability: o.block
      ? { block: {}, mount: null, accessMode: { mode: o.mode ?? 'SINGLE_NODE_WRITER' }, accessType: 'block' }
      : {
          block: null,
          mount: { fsType: o.fsType ?? 'ext4', mountFlags: o.mountFlags ?? [], volumeMountGroup: '' },
          accessMode: { mode: o.mode ?? 'SINGLE_NODE_WRITER' },
          accessType: 'mount',
        },
    secrets: o.secrets ?? {},
    volumeContext: {},
  };
}

export function publishRequest(
  h: Harness,
  stage: NodeStageVolumeRequest,
  target = 'pod-a',
  readonly = false,
): NodePublishVolumeRequest {
  return {
    volumeId: stage.volumeId,
    publishContext: stage.publishContext,
    stagingTargetPath: stage.stagingTargetPath,
    targetPath: join(h.dir, 'pods', target, 'mount'),
    volumeCapability: stage.volumeCapability,
    readonly,
    secrets: {},
    volumeContext: {},
  };
}

/** Runs `fn` and returns the DriverError it throws (fails the test when it does not throw one). */
export async function driverError(fn: () => Promise<unknown>): Promise<DriverError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof DriverError) {
      return err;
    }
    throw err;
  }
  throw new Error('expected a DriverError, but the call succeeded');
}

/** Returns the value or fails the test with `what` (keeps tests free of non-null assertions). */
export function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) {
    throw new Error(`test setup: ${what} not found`);
  }
  return value;
}

export function lun(h: Harness, n = 1) {
  return must(h.host.kernel.targets.get(iqn)?.luns.get(n), `LUN ${n}`);
}
