// The PVC lifecycle on a real Kubernetes 1.35 control plane, run once per array: the real PV
// controller, attach-detach controller, scheduler and kubelet, and the kubernetes-csi sidecars,
// drive opencsp installed from its chart (src/kube). Every scenario ends with nothing left: the
// array's leak audit (after the operator removes the node's host registration), mounts under
// kubelet's dir, loop devices of the LUN files, and PVs, VolumeAttachments and snapshot contents.
import { open, readFile, stat, statfs } from 'node:fs/promises';
import { volumeThroughCsp } from '@opencsp/testbed/harness';
import {
  createGroupSnapshot,
  groupSnapshotRef,
  KubeClient,
  type KubeStack,
  type KubeStackOptions,
  loopbackArgs,
  readyGroupSnapshot,
  ref,
  startKubeStack,
} from '@opencsp/testbed/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeServiceNode, serviceNode } from '../../src/launch/service-node.js';
import { pread, pwrite } from '../block-io.js';
import { expectRunCounted } from './metrics.js';

declare module 'vitest' {
  interface TaskMeta {
    /** Which Node ran the drivers (in the JSON report, .reports/kube.json). */
    serviceNode?: string;
  }
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

async function writeSynced(path: string, text: string): Promise<void> {
  const h = await open(path, 'w');
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
}

export function kubeScenarios(name: string, options: KubeStackOptions): void {
  describe(`real Kubernetes 1.35 + opencsp from the chart (${name})`, () => {
    let stack: KubeStack;
    /** Names and secrets no metric label may hold (the first node's; nodes joined later add theirs). */
    const forbidden: string[] = [];
    const remember = () => forbidden.push(stack.nodeName, stack.initiatorName);
    beforeAll(async () => {
      process.stdout.write(`e2e:kube ${name}: ${describeServiceNode(serviceNode())}\n`);
      stack = await startKubeStack(options);
      const { servicePort: _port, ...secrets } = stack.backend.secrets;
      forbidden.push(...Object.values(secrets));
      remember();
    }, 180_000);
    afterAll(async () => {
      await stack?.stop();
    }, 120_000);

    /** Sizes every filesystem takes (mkfs.xfs wants 300 MB) and the array accepts (DSM: 1 GiB). */
    const sizes = () =>
      stack.backend.minVolumeSize >= GiB
        ? { small: '1Gi', large: '2Gi', bytes: GiB }
        : { small: '512Mi', large: '1Gi', bytes: 512 * MiB };

    async function expectClean(): Promise<void> {
      const left = await stack.leftovers();
      const host = left.filter((l) => /initiator group opencsp:host|registered with the CSP/.test(l));
      expect(left.filter((l) => !host.includes(l))).toEqual([]);
      await stack.decommissionNode();
      expect(await stack.leftovers()).toEqual([]);
    }

    async function deletePvc(name: string, pvName: string): Promise<void> {
      await stack.kube.deleteAndWait({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name, namespace: 'default' });
      await stack.kube.deleteAndWait({ apiVersion: 'v1', kind: 'PersistentVolume', name: pvName });
    }

    async function deletePod(name: string): Promise<void> {
      await stack.kube.deleteAndWait({ apiVersion: 'v1', kind: 'Pod', name, namespace: 'default' });
    }

    it("installs from the chart: every object applied, the pods run the rendered commands as the chart's accounts", async ({
      task,
    }) => {
      const { cluster, opencsp } = stack;
      const driver = await cluster.admin.get('storage.k8s.io/v1', 'CSIDriver', 'csi.opencsp.io');
      expect(driver?.spec).toMatchObject({ attachRequired: true, podInfoOnMount: false, fsGroupPolicy: 'File' });
      for (const { object } of opencsp.render.objects) {
        if (object.kind === 'Deployment' || object.kind === 'DaemonSet') {
          continue;
        }
        const found = await cluster.admin.get(
          object.apiVersion,
          object.kind,
          object.metadata.name,
          object.metadata.namespace,
        );
        expect(found, `${object.kind} ${object.metadata.name}`).toBeDefined();
      }
      // The provisioner runs with exactly the args the Deployment renders, its metrics on loopback.
      const deployment = opencsp.render.objects.find((o) => o.object.kind === 'Deployment')?.object as unknown as {
        spec: { template: { spec: { containers: { name: string; args: string[] }[] } } };
      };
      const rendered = deployment.spec.template.spec.containers.find((c) => c.name === 'csi-provisioner')?.args;
      const pid = opencsp.controller.containers.get('csi-provisioner')?.pid;
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
      expect(cmdline.slice(1)).toEqual(loopbackArgs(rendered ?? []));
      expect(cmdline).toContain(`--http-endpoint=127.0.0.1:${opencsp.metricsPorts.provisioner}`);
      // Both drivers run on the Node the images ship (service-node.ts), not on the test's Node: the
      // program of each process is that file (its path reads through the container's root).
      const runtime = await stat(serviceNode().path);
      for (const pod of [opencsp.controller, opencsp.node]) {
        const exe = await stat(`/proc/${pod.containers.get('csi-driver')?.pid}/exe`);
        expect([exe.dev, exe.ino], `${pod.name} csi-driver`).toEqual([runtime.dev, runtime.ino]);
      }
      task.meta.serviceNode = serviceNode().version;
      // The sidecars authenticate with the controller ServiceAccount's token (in-cluster config).
      const token = await readFile(
        `${cluster.dir}/pods/${opencsp.controller.name}/volumes/kube-api-access/token`,
        'utf8',
      );
      const asController = new KubeClient({ server: cluster.controlPlane.server, caFile: cluster.pki.ca.cert, token });
      try {
        const review = await asController.call<{ status: { userInfo: { username: string } } }>(
          'POST',
          '/apis/authentication.k8s.io/v1/selfsubjectreviews',
          { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        );
        expect(review.status.userInfo.username).toBe(
          `system:serviceaccount:kube-system:${opencsp.controllerServiceAccount}`,
        );
      } finally {
        await asController.close();
      }
      // kubelet wrote the CSINode from NodeGetInfo: node name and the node's initiator name.
      const csiNode = await cluster.admin.get<{
        apiVersion: string;
        kind: string;
        metadata: { name: string };
        spec: { drivers: { name: string; nodeID: string }[] };
      }>('storage.k8s.io/v1', 'CSINode', stack.nodeName);
      expect(csiNode?.spec.drivers.find((d) => d.name === 'csi.opencsp.io')?.nodeID).toMatch(
        new RegExp(`^${stack.nodeName};${stack.initiatorName.replaceAll('.', '\\.')}(;|$)`),
      );
      // Both livenessprobe sidecars and the registrar answer /healthz.
      for (const port of Object.values(opencsp.healthPorts)) {
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      }
    });

    it('binds an Immediate PVC, attaches, stages and publishes it into a pod, then undoes it all', async () => {
      const { kube, backend } = stack;
      const { small } = sizes();
      await kube.createPvc({ name: 'data', storageClassName: stack.opencsp.classes.ext4, size: small });
      const { pv } = await kube.boundPvc('data');
      const volumeId = pv.spec.csi?.volumeHandle ?? '';
      expect(await backend.volumeCount()).toBe(1);
      await kube.createPod({ name: 'app', claims: [{ name: 'data' }], nodeName: stack.nodeName });
      const pod = await kube.runningPod('app');
      const attachment = await kube.attachmentOf(pv.metadata.name);
      expect(attachment?.status?.attached).toBe(true);
      expect(await backend.initiatorsOf(volumeId)).toEqual([stack.initiatorName]);
      const dir = stack.podVolumeDir(pod.metadata.uid ?? '', pv.metadata.name);
      const mounts = await stack.current.node.namespace.mountsUnder(dir);
      expect(mounts.map((m) => m.fstype)).toEqual(['ext4']);
      await writeSynced(stack.onNode(`${dir}/hello.txt`), "written through kubelet's publish path");
      await deletePod('app');
      await kube.noAttachmentOf(pv.metadata.name);
      expect(await stack.current.node.namespace.mountsUnder(dir)).toEqual([]);
      expect(await backend.initiatorsOf(volumeId)).toEqual([]);
      await deletePvc('data', pv.metadata.name);
      expect(await backend.volumeCount()).toBe(0);
      await expectClean();
    });

    it('WaitForFirstConsumer: the claim waits for kube-scheduler to place its pod', async () => {
      const { kube } = stack;
      await kube.createPvc({
        name: 'late',
        storageClassName: stack.opencsp.classes.waitForConsumer,
        size: sizes().small,
      });
      await new Promise((r) => setTimeout(r, 1500));
      expect((await kube.getPvc('late'))?.status?.phase).toBe('Pending');
      expect(await stack.backend.volumeCount()).toBe(0);
      await kube.createPod({ name: 'consumer', claims: [{ name: 'late' }] });
      const pod = await kube.runningPod('consumer');
      expect(pod.spec.nodeName).toBe(stack.nodeName);
      const { pvc, pv } = await kube.boundPvc('late');
      expect(pvc.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe(stack.nodeName);
      await deletePod('consumer');
      await kube.noAttachmentOf(pv.metadata.name);
      await deletePvc('late', pv.metadata.name);
      await expectClean();
    });

    it("raw block: the pod's device is the LUN", async () => {
      const { kube, backend } = stack;
      await kube.createPvc({
        name: 'raw',
        storageClassName: stack.opencsp.classes.ext4,
        size: sizes().small,
        block: true,
      });
      const { pv } = await kube.boundPvc('raw');
      await kube.createPod({ name: 'blocky', claims: [{ name: 'raw', block: true }], nodeName: stack.nodeName });
      const pod = await kube.runningPod('blocky');
      const device = stack.onNode(stack.podDevicePath(pod.metadata.uid ?? '', pv.metadata.name));
      const pattern = Buffer.from(`opencsp raw block ${pv.metadata.name}`);
      await pwrite(device, pattern, 3 * MiB);
      const lun = backend.luns.backingFileOf(pv.spec.csi?.volumeHandle ?? '') as string;
      expect(await pread(lun, pattern.length, 3 * MiB)).toEqual(pattern);
      await deletePod('blocky');
      await kube.noAttachmentOf(pv.metadata.name);
      await deletePvc('raw', pv.metadata.name);
      await expectClean();
    });

    it('snapshot, restore and clone: the data comes back through new PVCs', async () => {
      const { kube, opencsp } = stack;
      const { small } = sizes();
      const xfs = opencsp.classes.xfs;
      await kube.createPvc({ name: 'origin', storageClassName: xfs, size: small });
      const origin = await kube.boundPvc('origin');
      await kube.createPod({ name: 'writer', claims: [{ name: 'origin' }], nodeName: stack.nodeName });
      const writer = await kube.runningPod('writer');
      const dir = stack.podVolumeDir(writer.metadata.uid ?? '', origin.pv.metadata.name);
      await writeSynced(stack.onNode(`${dir}/data.txt`), 'before the snapshot');
      await kube.createSnapshot('snap', 'origin', opencsp.classes.snapshots);
      await kube.readySnapshot('snap');
      await writeSynced(stack.onNode(`${dir}/later.txt`), 'after the snapshot');
      await kube.createPvc({
        name: 'restored',
        storageClassName: xfs,
        size: small,
        dataSource: { kind: 'VolumeSnapshot', name: 'snap' },
      });
      await kube.createPvc({
        name: 'cloned',
        storageClassName: xfs,
        size: small,
        dataSource: { kind: 'PersistentVolumeClaim', name: 'origin' },
      });
      const restored = await kube.boundPvc('restored');
      const cloned = await kube.boundPvc('cloned');
      await kube.createPod({
        name: 'reader',
        claims: [{ name: 'restored' }, { name: 'cloned' }],
        nodeName: stack.nodeName,
      });
      const reader = await kube.runningPod('reader');
      const at = (pv: string, file: string) =>
        stack.onNode(`${stack.podVolumeDir(reader.metadata.uid ?? '', pv)}/${file}`);
      expect(await readFile(at(restored.pv.metadata.name, 'data.txt'), 'utf8')).toBe('before the snapshot');
      await expect(readFile(at(restored.pv.metadata.name, 'later.txt'))).rejects.toThrow(/ENOENT/);
      expect(await readFile(at(cloned.pv.metadata.name, 'later.txt'), 'utf8')).toBe('after the snapshot');
      for (const pod of ['reader', 'writer']) {
        await deletePod(pod);
      }
      for (const { pv } of [restored, cloned, origin]) {
        await kube.noAttachmentOf(pv.metadata.name);
      }
      // Volumes made from a snapshot or from a volume go before their source (ZFS clones need it).
      await deletePvc('restored', restored.pv.metadata.name);
      await deletePvc('cloned', cloned.pv.metadata.name);
      await kube.deleteAndWait(ref.snapshot('snap'));
      await deletePvc('origin', origin.pv.metadata.name);
      await expectClean();
    });

    // csp-synology claims no snapshot groups (DSM snapshots one LUN at a time): TrueNAS only.
    it.runIf(options.backend === 'truenas')(
      'snapshots two PVCs as one VolumeGroupSnapshot and restores both from its member snapshots',
      async () => {
        const { kube, opencsp } = stack;
        const { small } = sizes();
        const labels = { app: 'e2e-group' };
        for (const name of ['app-db', 'app-wal']) {
          await kube.createPvc({ name, storageClassName: opencsp.classes.grouped, size: small, labels });
        }
        const sources = [await kube.boundPvc('app-db'), await kube.boundPvc('app-wal')];
        await createGroupSnapshot(kube.client, 'app-group', labels, opencsp.classes.groupSnapshots);
        const members = await readyGroupSnapshot(kube.client, 'app-group', 2);
        for (const [i, snapshot] of members.entries()) {
          await kube.createPvc({
            name: `app-restored-${i}`,
            storageClassName: opencsp.classes.ext4,
            size: small,
            dataSource: { kind: 'VolumeSnapshot', name: snapshot },
          });
        }
        const restored = [await kube.boundPvc('app-restored-0'), await kube.boundPvc('app-restored-1')];
        for (const [i, { pv }] of restored.entries()) {
          await deletePvc(`app-restored-${i}`, pv.metadata.name);
        }
        await kube.deleteAndWait(groupSnapshotRef('app-group'), 120_000);
        for (const snapshot of members) {
          await kube.deleteAndWait(ref.snapshot(snapshot), 120_000);
        }
        await deletePvc('app-db', sources[0]?.pv.metadata.name as string);
        await deletePvc('app-wal', sources[1]?.pv.metadata.name as string);
        await expectClean();
      },
      240_000,
    );

    it("expands a mounted volume online: external-resizer, then kubelet's NodeExpandVolume", async () => {
      const { kube } = stack;
      const { small, large, bytes } = sizes();
      await kube.createPvc({ name: 'grow', storageClassName: stack.opencsp.classes.xfs, size: small });
      const { pv } = await kube.boundPvc('grow');
      await kube.createPod({ name: 'grower', claims: [{ name: 'grow' }], nodeName: stack.nodeName });
      const pod = await kube.runningPod('grower');
      const dir = stack.onNode(stack.podVolumeDir(pod.metadata.uid ?? '', pv.metadata.name));
      const before = await statfs(dir);
      await kube.resizePvc('grow', large);
      await kube.resizedPvc('grow', large);
      const after = await statfs(dir);
      expect(after.blocks * after.bsize).toBeGreaterThan(before.blocks * before.bsize);
      expect(after.blocks * after.bsize).toBeGreaterThan(bytes * 1.5);
      expect((await kube.getPv(pv.metadata.name))?.spec.capacity.storage).toBe(large);
      await deletePod('grower');
      await kube.noAttachmentOf(pv.metadata.name);
      await deletePvc('grow', pv.metadata.name);
      await expectClean();
    });

    it('VolumeAttributesClass: csi-resizer calls ControllerModifyVolume and the setting changes on the array', async () => {
      const { kube, opencsp, backend } = stack;
      const className = opencsp.classes.modified;
      const vac = opencsp.render.objects.find(
        (o) => o.object.kind === 'VolumeAttributesClass' && o.object.metadata.name === className,
      )?.object as unknown as { parameters: Record<string, string> } | undefined;
      const [entry] = Object.entries(vac?.parameters ?? {});
      if (!entry) {
        throw new Error(`the chart rendered no VolumeAttributesClass ${className}`);
      }
      const [parameter, value] = entry;
      const configKey = parameter.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
      const onArray = async (id: string) =>
        String((await volumeThroughCsp(backend.secrets, id)).config?.[configKey] ?? '').toLowerCase();
      await kube.createPvc({ name: 'modify', storageClassName: opencsp.classes.ext4, size: sizes().small });
      const { pv } = await kube.boundPvc('modify');
      const id = pv.spec.csi?.volumeHandle as string;
      expect(await onArray(id)).not.toBe(value.toLowerCase());
      await kube.modifyPvc('modify', className);
      const pvc = await kube.modifiedPvc('modify', className, 120_000);
      expect(pvc.status?.currentVolumeAttributesClassName).toBe(className);
      expect((await kube.getPv(pv.metadata.name))?.spec.volumeAttributesClassName).toBe(className);
      expect(await onArray(id)).toBe(value.toLowerCase());
      await deletePvc('modify', pv.metadata.name);
      await expectClean();
    });

    it('survives a CSP restart and restarts of both drivers mid-lifecycle', async () => {
      const { kube, backend, opencsp } = stack;
      await kube.createPvc({ name: 'sturdy', storageClassName: stack.opencsp.classes.ext4, size: sizes().small });
      const { pv } = await kube.boundPvc('sturdy');
      await backend.restart();
      await kube.createPod({ name: 'steady', claims: [{ name: 'sturdy' }], nodeName: stack.nodeName });
      const pod = await kube.runningPod('steady');
      await opencsp.controller.restart('csi-driver');
      await stack.current.pod.restart('csi-driver');
      await backend.restart();
      const dir = stack.podVolumeDir(pod.metadata.uid ?? '', pv.metadata.name);
      await writeSynced(stack.onNode(`${dir}/still-here.txt`), 'after the restarts');
      await deletePod('steady');
      await kube.noAttachmentOf(pv.metadata.name);
      expect(await stack.current.node.namespace.mountsUnder(dir)).toEqual([]);
      await deletePvc('sturdy', pv.metadata.name);
      await expectClean();
    });

    it('a node deleted while a volume is attached: detached for the replacement node, data kept', async () => {
      const { kube, backend, cluster } = stack;
      await kube.createPvc({ name: 'moving', storageClassName: stack.opencsp.classes.ext4, size: sizes().small });
      const { pv } = await kube.boundPvc('moving');
      const volumeId = pv.spec.csi?.volumeHandle ?? '';
      await kube.createPod({ name: 'first', claims: [{ name: 'moving' }], nodeName: stack.nodeName });
      const first = await kube.runningPod('first');
      await writeSynced(
        stack.onNode(`${stack.podVolumeDir(first.metadata.uid ?? '', pv.metadata.name)}/kept.txt`),
        'kept',
      );
      const lost = stack.nodeName;
      // The machine dies; the operator marks it out of service (non-graceful node shutdown), so
      // its pods are force-deleted and its volumes detached at once, and then deletes the Node.
      await stack.loseNode();
      await cluster.admin.patch(
        { apiVersion: 'v1', kind: 'Node', name: lost },
        {
          spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] },
        },
      );
      await kube.noAttachmentOf(pv.metadata.name, 120_000);
      expect(await backend.initiatorsOf(volumeId)).toEqual([]);
      await kube.deleteAndWait({ apiVersion: 'v1', kind: 'Node', name: lost });
      await kube.deleteAndWait({ apiVersion: 'v1', kind: 'Pod', name: 'first', namespace: 'default' }, 120_000);
      await stack.decommissionNode(lost);
      await stack.joinNode(`${lost}-replacement`);
      remember();
      await kube.createPod({ name: 'second', claims: [{ name: 'moving' }], nodeName: stack.nodeName });
      const second = await kube.runningPod('second');
      const moved = stack.onNode(`${stack.podVolumeDir(second.metadata.uid ?? '', pv.metadata.name)}/kept.txt`);
      expect(await readFile(moved, 'utf8')).toBe('kept');
      expect(await backend.initiatorsOf(volumeId)).toEqual([stack.initiatorName]);
      await deletePod('second');
      await kube.noAttachmentOf(pv.metadata.name);
      await deletePvc('moving', pv.metadata.name);
      await expectClean();
    });

    // Last: the counters hold what every scenario above made the sidecars, kubelet and the CSP do.
    it('counted what the sidecars, kubelet and the CSP did, by method and code, with no secret or name in a label', async () => {
      await expectRunCounted(
        stack,
        forbidden.filter((f) => f.length >= 4 && /[A-Za-z]/.test(f)),
      );
    });
  });
}
