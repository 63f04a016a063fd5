// opencsp as a Helm release on the test cluster: the real helm client (4.1.4, src/chart/helm.ts)
// with the admin kubeconfig the harness writes installs, upgrades and uninstalls charts/opencsp
// in the real apiserver, as an operator would (server-side apply, the release stored as a Secret
// in the release namespace). What the release holds is read back from helm's own record.
import { chartDir, Helm, parseManifest, type RenderedObject } from '../chart/helm.js';

export interface Release {
  revision: number;
  /** helm's status of the revision (`deployed` when it went through). */
  status: string;
  /** The objects of the revision's manifest, as helm applied them. */
  objects: RenderedObject[];
  notes: string;
}

interface ReleaseJson {
  version: number;
  info: { status: string; notes?: string };
  manifest?: string;
}

function release(json: string): Release {
  const parsed = JSON.parse(json) as ReleaseJson;
  return {
    revision: parsed.version,
    status: parsed.info.status,
    objects: parseManifest(parsed.manifest ?? ''),
    notes: parsed.info.notes ?? '',
  };
}

export class HelmRelease {
  private constructor(
    private readonly helm: Helm,
    readonly kubeconfig: string,
    readonly name: string,
    readonly namespace: string,
  ) {}

  static async start(input: { kubeconfig: string; name?: string; namespace: string }): Promise<HelmRelease> {
    return new HelmRelease(await Helm.start(), input.kubeconfig, input.name ?? 'opencsp', input.namespace);
  }

  /** Writes a values file in helm's work dir (mode 0600) and returns its path. */
  valuesFile(name: string, values: unknown): Promise<string> {
    return this.helm.valuesFile(name, JSON.stringify(values));
  }

  private run(args: string[]): Promise<string> {
    return this.helm.run([...args, '--namespace', this.namespace, '--kubeconfig', this.kubeconfig]);
  }

  private values(files: string[]): string[] {
    return files.flatMap((f) => ['--values', f]);
  }

  /** `helm install` of charts/opencsp. */
  async install(valueFiles: string[]): Promise<Release> {
    return release(await this.run(['install', this.name, chartDir, ...this.values(valueFiles), '--output', 'json']));
  }

  /** `helm upgrade` with these values (the chart defaults plus them; the previous values are not reused). */
  async upgrade(valueFiles: string[]): Promise<Release> {
    return release(await this.run(['upgrade', this.name, chartDir, ...this.values(valueFiles), '--output', 'json']));
  }

  /** `helm get manifest`: the objects of the release's current revision. */
  async manifest(): Promise<RenderedObject[]> {
    return parseManifest(await this.run(['get', 'manifest', this.name]));
  }

  /** `helm uninstall --wait`: helm deletes the release's objects and waits until they are gone. */
  async uninstall(): Promise<void> {
    await this.run(['uninstall', this.name, '--wait']);
  }

  /** `helm list`: the names of the releases in the namespace, in every state helm records. */
  async list(): Promise<string[]> {
    const states = ['--deployed', '--failed', '--pending', '--superseded', '--uninstalled', '--uninstalling'];
    const out = await this.run(['list', ...states, '--output', 'json']);
    return (JSON.parse(out) as { name: string }[]).map((r) => r.name);
  }

  dispose(): Promise<void> {
    return this.helm.dispose();
  }
}
