// What every real-cluster scenario shares: the stack (started once per array by scenarios.ts),
// the names and secrets no metric label may hold, and the steps that end a scenario clean.
import { open } from 'node:fs/promises';
import type { KubeStack, KubeStackOptions } from '@opencsp/testbed/kube';
import { expect } from 'vitest';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

export { MiB };

export async function writeSynced(path: string, text: string): Promise<void> {
  const h = await open(path, 'w');
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
}

export class ScenarioContext {
  /** Set by scenarios.ts's beforeAll. */
  stack!: KubeStack;
  /** Names and secrets no metric label may hold (the first node's; nodes joined later add theirs). */
  readonly forbidden: string[] = [];

  constructor(readonly options: KubeStackOptions) {}

  /** Adds the current node's name and initiator name to `forbidden`. */
  remember(): void {
    this.forbidden.push(this.stack.nodeName, this.stack.initiatorName);
  }

  /** Sizes every filesystem takes (mkfs.xfs wants 300 MB) and the array accepts (DSM: 1 GiB). */
  sizes(): { small: string; large: string; bytes: number } {
    return this.stack.backend.minVolumeSize >= GiB
      ? { small: '1Gi', large: '2Gi', bytes: GiB }
      : { small: '512Mi', large: '1Gi', bytes: 512 * MiB };
  }

  async expectClean(): Promise<void> {
    const left = await this.stack.leftovers();
    const host = left.filter((l) => /initiator group opencsp:host|registered with the CSP/.test(l));
    expect(left.filter((l) => !host.includes(l))).toEqual([]);
    await this.stack.decommissionNode();
    expect(await this.stack.leftovers()).toEqual([]);
  }

  async deletePvc(name: string, pvName: string): Promise<void> {
    await this.stack.kube.deleteAndWait({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      name,
      namespace: 'default',
    });
    await this.stack.kube.deleteAndWait({ apiVersion: 'v1', kind: 'PersistentVolume', name: pvName });
  }

  async deletePod(name: string): Promise<void> {
    await this.stack.kube.deleteAndWait({ apiVersion: 'v1', kind: 'Pod', name, namespace: 'default' });
  }
}
