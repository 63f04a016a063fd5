// The demo's stack, started in two steps so each has its own time: the array (TrueNAS simulator
// + csp-truenas, OpenAPI docs on) and then the driver (controller socket with the sidecars'
// harness; node socket with kubelet's harness when the node part runs). The node side and the
// leftovers check are the e2e stack's own (startNodeSide, stackLeftovers); `stop()` removes
// everything, also after a failure, then checks the host.
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatNodeId } from '@opencsp/csi-driver';
import { pino } from 'pino';
import { type NodeSide, randomHostNqn, randomInitiatorName, stackLeftovers, startNodeSide } from '../e2e/stack.js';
import { type TrueNasBackend, truenasBackend } from '../harness/backends/index.js';
import { type DriverFixture, startDriverFixture } from '../harness/driver.js';
import { type SecretRef, snapshotClass, storageClass, type VolumeSnapshotClass } from '../harness/storage-class.js';
import { loopsUnder, mountsUnder } from '../loop/index.js';
import type { DemoProtocol } from './options.js';

export type DemoNode = NodeSide;

export const nodeName = 'demo-node-1';

export class DemoStack {
  readonly secretRef: SecretRef = { name: 'opencsp-truenas', namespace: 'kube-system' };
  readonly snapshotClass: VolumeSnapshotClass = snapshotClass('opencsp-snapshots', this.secretRef);
  readonly initiatorName = randomInitiatorName();
  /** The node's NVMe host NQN (reported with --protocol nvmetcp). */
  readonly hostnqn = randomHostNqn();
  readonly protocol: DemoProtocol;
  readonly #logLevel: string;
  readonly #cleanups: Array<() => Promise<void>> = [];
  /** Temp dirs this stack made (checked after `stop()`). */
  readonly #dirs: string[] = [];
  #backend: TrueNasBackend | undefined;
  #lunDir: string | undefined;
  #kubeletDirPath: string | undefined;
  #controller: DriverFixture | undefined;
  #node: DemoNode | undefined;

  constructor(logLevel: string, protocol: DemoProtocol = 'iscsi') {
    this.#logLevel = logLevel;
    this.protocol = protocol;
  }

  get backend(): TrueNasBackend {
    if (!this.#backend) {
      throw new Error('the array is not started');
    }
    return this.#backend;
  }

  get controller(): DriverFixture {
    if (!this.#controller) {
      throw new Error('the driver is not started');
    }
    return this.#controller;
  }

  get kube() {
    return this.controller.kube;
  }

  /** The node half, when it runs. */
  get node(): DemoNode | undefined {
    return this.#node;
  }

  /** Where the simulator keeps the zvols' sparse files. */
  get lunDir(): string {
    return this.backend.stack.sim.core.config.dataDir;
  }

  /** TrueNAS simulator + csp-truenas (wss with an API key, as a real array; OpenAPI docs on). */
  async startArray(): Promise<TrueNasBackend> {
    const backend = await truenasBackend({
      sim: { tls: true, apiKey: true },
      cspArgs: ['--docs', 'true'],
      logger: pino({ level: this.#logLevel }),
    });
    this.#cleanups.push(() => backend.stop());
    this.#backend = backend;
    this.#lunDir = backend.stack.sim.core.config.dataDir;
    this.#dirs.push(this.#lunDir);
    return backend;
  }

  /** The driver in controller mode, and in node mode on its own socket when `withNode`. */
  async startDriver(withNode: boolean): Promise<void> {
    const backend = this.backend;
    const kubeletDir = withNode ? await this.#kubeletDir() : undefined;
    const controller = await startDriverFixture({ defaultSecret: backend.secrets, logLevel: this.#logLevel });
    this.#cleanups.push(() => controller.stop());
    this.#controller = controller;
    this.#dirs.push(dirname(controller.socketPath));
    controller.kube.addSecret(this.secretRef, backend.secrets);
    if (kubeletDir === undefined) {
      return;
    }
    const side: NodeSide = await startNodeSide({
      backend,
      kube: controller.kube,
      kubeletDir,
      nodeName,
      initiatorName: this.initiatorName,
      hostnqn: this.hostnqn,
      logLevel: this.#logLevel,
      onCleanup: (cleanup) => this.#cleanups.push(cleanup),
    });
    this.#dirs.push(dirname(side.driver.socketPath));
    this.#node = side;
  }

  /** kubelet's root dir; its mounts and the LUNs' loop devices go before the simulator's files do. */
  async #kubeletDir(): Promise<string> {
    const kubeletDir = await mkdtemp(join(tmpdir(), 'opencsp-demo-kubelet-'));
    this.#kubeletDirPath = kubeletDir;
    this.#dirs.push(kubeletDir);
    this.#cleanups.push(async () => {
      const mounted = await mountsUnder(kubeletDir);
      if (mounted.length > 0) {
        throw new Error(`${kubeletDir} is left in place: ${mounted.join(', ')} still mounted`);
      }
      await rm(kubeletDir, { recursive: true, force: true });
    });
    return kubeletDir;
  }

  /** What is running, in the order `stop()` stops it. */
  running(): string[] {
    return [
      ...(this.#node ? ['node driver'] : []),
      ...(this.#controller ? ['controller driver'] : []),
      ...(this.#backend ? ['csp-truenas', 'TrueNAS simulator'] : []),
    ];
  }

  /** The node id the attacher uses: NodeGetInfo's answer, or (no node part) what it would answer. */
  async nodeId(): Promise<string> {
    if (this.#node) {
      return this.#node.kubelet.nodeId();
    }
    return formatNodeId({ hostname: nodeName, iqns: [this.initiatorName], nqns: [this.hostnqn], networks: [] });
  }

  storageClass(name: string, fsType: string) {
    return storageClass(name, this.secretRef, {
      'csi.storage.k8s.io/fstype': fsType,
      ...this.backend.parameters,
      ...(this.protocol === 'nvmetcp' ? { accessProtocol: 'nvmetcp' } : {}),
    });
  }

  /** The array's leak audit, and (node part) mounts under the kubelet dir and loop devices of LUN files. */
  leftovers(): Promise<string[]> {
    return stackLeftovers(this.backend, this.#node?.kubeletDir);
  }

  /**
   * Stops everything in reverse order (drivers, then mounts and loop devices, then the CSP and
   * the simulator), then checks the host: no temp dir, mount or loop device of this run is left.
   */
  async stop(): Promise<string[]> {
    const errors: unknown[] = [];
    for (const cleanup of this.#cleanups.splice(0).reverse()) {
      await cleanup().catch((err: unknown) => errors.push(err));
    }
    const kubeletDir = this.#kubeletDirPath;
    if (kubeletDir !== undefined && this.#lunDir !== undefined) {
      const left = [...(await mountsUnder(kubeletDir)), ...(await loopsUnder(this.#lunDir)).map((l) => l.device)];
      if (left.length > 0) {
        errors.push(new Error(`still on the host: ${left.join(', ')}`));
      }
    }
    for (const dir of this.#dirs) {
      if (await exists(dir)) {
        errors.push(new Error(`${dir} is still there`));
      }
    }
    if (errors.length > 0) {
      throw new AggregateError(errors, 'clean up failed');
    }
    return [...this.#dirs];
  }
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
