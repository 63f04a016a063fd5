// What happens on the node when pods come and go, as the attach/detach controller and kubelet do
// it: the first pod on the node that uses a PV gets it attached (ControllerPublishVolume with the
// node id from NodeGetInfo) and staged; every pod gets its own publish; the last pod to go
// unstages it and the attachment is deleted (ControllerUnpublishVolume).
import { randomUUID } from 'node:crypto';
import type { KubeHarness } from '../harness/kube.js';
import type { Kubelet, PodVolume } from '../harness/kubelet.js';
import type { PersistentVolume } from '../harness/storage-class.js';

export interface Pod {
  uid: string;
  /** One entry per PV, in the order given: where the pod sees it (a directory, or a block device file). */
  volumes: PodVolume[];
}

interface NodeAttachment {
  pv: PersistentVolume;
  publishContext: Record<string, string>;
  pods: Set<string>;
}

export class PodScheduler {
  readonly #kube: KubeHarness;
  readonly #kubelet: Kubelet;
  readonly #attached = new Map<string, NodeAttachment>();
  /** PVs whose filesystem must grow on the node the next time they are staged (offline resize). */
  readonly #resizePending = new Set<string>();

  constructor(kube: KubeHarness, kubelet: Kubelet) {
    this.#kube = kube;
    this.#kubelet = kubelet;
  }

  /** PV handles attached to and staged on the node. */
  get attached(): string[] {
    return [...this.#attached.keys()];
  }

  /** The attachment of a PV on the node, when a pod uses it. */
  attachmentOf(pv: PersistentVolume): { publishContext: Record<string, string>; pods: string[] } | undefined {
    const a = this.#attached.get(pv.volumeHandle);
    return a && { publishContext: a.publishContext, pods: [...a.pods] };
  }

  /** external-resizer said node expansion is required while no pod used the PV: kubelet expands at the next stage. */
  markResizePending(pv: PersistentVolume): void {
    this.#resizePending.add(pv.volumeHandle);
  }

  /** Starts a pod on the node with these PVs (read-only per PV when asked). */
  async start(pvs: PersistentVolume[], options: { readOnly?: boolean } = {}): Promise<Pod> {
    const uid = randomUUID();
    const volumes: PodVolume[] = [];
    for (const pv of pvs) {
      const attachment = await this.#attach(pv);
      volumes.push(
        await this.#kubelet.publish(pv, attachment.publishContext, {
          podUid: uid,
          ...(options.readOnly !== undefined ? { readOnly: options.readOnly } : {}),
        }),
      );
      attachment.pods.add(uid);
    }
    return { uid, volumes };
  }

  /** Deletes a pod: unpublishes its volumes; the last user of a PV unstages and detaches it. */
  async stop(pod: Pod): Promise<void> {
    for (const volume of pod.volumes) {
      await this.#kubelet.unpublish(volume);
      const attachment = this.#attached.get(volume.pv.volumeHandle);
      attachment?.pods.delete(pod.uid);
      if (attachment && attachment.pods.size === 0) {
        await this.#kubelet.unstage(volume.pv);
        await this.#kube.detach(volume.pv, await this.#kubelet.nodeId());
        this.#attached.delete(volume.pv.volumeHandle);
      }
    }
  }

  async #attach(pv: PersistentVolume): Promise<NodeAttachment> {
    const known = this.#attached.get(pv.volumeHandle);
    if (known) {
      return known;
    }
    const publishContext = await this.#kube.attach(pv, await this.#kubelet.nodeId());
    const attachment: NodeAttachment = { pv, publishContext, pods: new Set() };
    this.#attached.set(pv.volumeHandle, attachment);
    await this.#kubelet.stage(pv, publishContext);
    if (this.#resizePending.has(pv.volumeHandle)) {
      await this.#kubelet.expand(pv);
      this.#resizePending.delete(pv.volumeHandle);
    }
    return attachment;
  }
}
