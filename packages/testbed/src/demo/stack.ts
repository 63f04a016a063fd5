// The demo's stack, started in two steps so each has its own time: the array (TrueNAS simulator
// + csp-truenas, OpenAPI docs on) and then the driver (controller socket with the sidecars'
// harness; node socket with kubelet's harness when the node part runs). The same pieces and the
// same tear-down order as `startE2eStack()`; `stop()` removes everything, also after a failure.
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatNodeId } from '@opencsp/csi-driver';
import { pino } from 'pino';
import { PodScheduler } from '../e2e/pods.js';
import { type TrueNasBackend, truenasBackend } from '../harness/backends/index.js';
import { type DriverFixture, startDriverFixture } from '../harness/driver.js';
import { Kubelet } from '../harness/kubelet.js';
import { type NodeDriverFixture, startNodeDriver } from '../harness/node-driver.js';
import { type SecretRef, snapshotClass, storageClass, type VolumeSnapshotClass } from '../harness/storage-class.js';
import { detachLoopsUnder, loopsUnder, mountsUnder, unmountUnder } from '../loop/index.js';

export interface DemoNode {
  driver: NodeDriverFixture;
  kubelet: Kubelet;
  pods: PodScheduler;
  kubeletDir: string;
}

export const nodeName = 'demo-node-1';

export class DemoStack {
  readonly secretRef: SecretRef = { name: 'opencsp-truenas', namespace: 'kube-system' };
  readonly snapshotClass: VolumeSnapshotClass = snapshotClass('opencsp-snapshots', this.secretRef);
  readonly initiatorName = `iqn.1993-08.org.debian:01:${randomBytes(6).toString('hex')}`;
  readonly #logLevel: string;
  readonly #cleanups: Array<() => Promise<void>> = [];
  /** Temp dirs this stack made (checked after `stop()`). */
  readonly #dirs: string[] = [];
  #backend: TrueNasBackend | undefined;
  #lunDir: string | undefined;
  #kubeletDirPath: string | undefined;
  #controller: DriverFixture | undefined;
  #node: DemoNode | undefined;

  constructor(logLevel: string) {
    this.#logLevel = logLevel;
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
    const driver = await startNodeDriver({
      nodeName,
      initiatorNames: [this.initiatorName],
      resolve: backend.luns.resolve,
      sessions: backend.luns.sessions(this.initiatorName),
      logLevel: this.#logLevel,
    });
    this.#cleanups.push(() => driver.stop());
    this.#dirs.push(dirname(driver.socketPath));
    const kubelet = new Kubelet({ client: driver.client, kube: controller.kube, kubeletDir });
    this.#node = { driver, kubelet, pods: new PodScheduler(controller.kube, kubelet), kubeletDir };
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
    const lunDir = this.lunDir;
    this.#cleanups.push(async () => {
      await unmountUnder(kubeletDir);
      await detachLoopsUnder(lunDir);
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
    return formatNodeId({ hostname: nodeName, iqns: [this.initiatorName], networks: [] });
  }

  storageClass(name: string, fsType: string) {
    return storageClass(name, this.secretRef, {
      'csi.storage.k8s.io/fstype': fsType,
      ...this.backend.parameters,
    });
  }

  /** The array's leak audit, and (node part) mounts under the kubelet dir and loop devices of LUN files. */
  async leftovers(): Promise<string[]> {
    const lines = await this.backend.audit();
    if (this.#node) {
      lines.push(...(await mountsUnder(this.#node.kubeletDir)).map((m) => `mount ${m}`));
      lines.push(...(await loopsUnder(this.lunDir)).map((l) => `loop device ${l.device} → ${l.file}`));
    }
    return lines;
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
