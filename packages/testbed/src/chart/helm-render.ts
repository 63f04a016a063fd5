// Builds tools/helm-render (Go text/template + sprig v3 + Helm's own functions, see its main.go)
// with Debian's Go and the Go libraries under /usr/share/gocode, fully offline, and renders
// charts/opencsp with it the way `helm template` would.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);

export const repoRoot = resolve(import.meta.dirname, '../../../..');
export const chartDir = join(repoRoot, 'charts/opencsp');
export const ciValuesDir = join(chartDir, 'ci');
const rendererDir = join(repoRoot, 'tools/helm-render');
const goPath = '/usr/share/gocode';

/** Why the renderer cannot be built here, or undefined when it can. */
/**
 * What the chart tests lack (Go), or undefined. With CI set a missing toolchain is an error, not a
 * skip: `suite` names the tests that could not run.
 */
export function chartToolchain(suite: string): string | undefined {
  const missing = missingToolchain();
  if (missing && process.env.CI) {
    throw new Error(`${suite} cannot run in CI: ${missing}`);
  }
  return missing;
}

export function missingToolchain(): string | undefined {
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    return 'Go is not installed (apt-get install golang-go; scripts/setup.mjs does it)';
  }
  if (!existsSync(join(goPath, 'src/github.com/Masterminds/sprig/functions.go'))) {
    return 'sprig is not installed (apt-get install golang-github-masterminds-sprig-dev; scripts/setup.mjs does it)';
  }
  return undefined;
}

/** A Kubernetes object from the render, with the template file it came from. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

export interface RenderedObject {
  source: string;
  object: K8sObject;
}

export interface RenderResult {
  values: Record<string, unknown>;
  objects: RenderedObject[];
  notes: string;
}

export interface RenderOptions {
  /** Chart directory; charts/opencsp by default. */
  chart?: string;
  valueFiles?: string[];
  releaseName?: string;
  namespace?: string;
  kubeVersion?: string;
  /** Render as `helm upgrade` (.Release.IsUpgrade). */
  isUpgrade?: boolean;
  /** Objects `lookup` finds, as in a cluster holding them (default: none, as `helm template`). */
  clusterObjects?: K8sObject[];
}

/** A built renderer in a temporary directory; `dispose` removes it. */
export class HelmRender {
  private renders = 0;

  private constructor(
    private readonly workDir: string,
    private readonly binary: string,
  ) {}

  static async build(): Promise<HelmRender> {
    const workDir = await mkdtemp(join(tmpdir(), 'opencsp-helm-render-'));
    const binary = join(workDir, 'helm-render');
    try {
      await run('go', ['build', '-o', binary, '.'], {
        cwd: rendererDir,
        env: {
          ...process.env,
          GO111MODULE: 'off',
          GOPATH: goPath,
          GOPROXY: 'off',
          GOFLAGS: '',
          GOTOOLCHAIN: 'local',
          GOCACHE: process.env.GOCACHE ?? join(repoRoot, '.cache/go-build'),
        },
      });
    } catch (err) {
      await rm(workDir, { recursive: true, force: true });
      throw err;
    }
    return new HelmRender(workDir, binary);
  }

  async dispose(): Promise<void> {
    await rm(this.workDir, { recursive: true, force: true });
  }

  /** Writes a file (values, or a fixture chart's file) under the work dir and returns its path. */
  async valuesFile(name: string, content: string): Promise<string> {
    const path = join(this.workDir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    return path;
  }

  /** The chart defaults merged with the values files, as Helm merges them before validating. */
  async mergedValues(valueFiles: string[]): Promise<Record<string, unknown>> {
    const args = ['--chart', chartDir, '--output', 'values'];
    for (const f of valueFiles) {
      args.push('-f', f);
    }
    const { stdout } = await run(this.binary, args);
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  async render(options: RenderOptions = {}): Promise<RenderResult> {
    const args = [
      '--chart',
      options.chart ?? chartDir,
      '--output',
      'json',
      '--release-name',
      options.releaseName ?? 'opencsp',
      '--namespace',
      options.namespace ?? 'kube-system',
      '--kube-version',
      options.kubeVersion ?? 'v1.31.0',
    ];
    for (const f of options.valueFiles ?? []) {
      args.push('-f', f);
    }
    if (options.isUpgrade) {
      args.push('--is-upgrade');
    }
    if (options.clusterObjects) {
      this.renders += 1;
      args.push(
        '--cluster-objects',
        await this.valuesFile(`cluster-${this.renders}.json`, JSON.stringify(options.clusterObjects)),
      );
    }
    const { stdout } = await run(this.binary, args, { maxBuffer: 64 * 1024 * 1024 });
    const parsed = JSON.parse(stdout) as {
      values: Record<string, unknown>;
      manifests: { source: string; content: string }[];
      notes: string;
    };
    const objects: RenderedObject[] = [];
    for (const m of parsed.manifests) {
      for (const doc of parseAllDocuments(m.content)) {
        if (doc.errors.length > 0) {
          throw new Error(`${m.source}: invalid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
        }
        const object = doc.toJSON() as K8sObject | null;
        if (object !== null) {
          objects.push({ source: m.source, object });
        }
      }
    }
    return { values: parsed.values, objects, notes: parsed.notes };
  }

  /** Renders and returns the renderer's error text; throws if the render succeeds. */
  async renderError(options: RenderOptions): Promise<string> {
    try {
      await this.render(options);
    } catch (err) {
      return String((err as { stderr?: string }).stderr ?? err);
    }
    throw new Error('render succeeded, an error was expected');
  }
}

/** The single object of a kind (and optionally name) in a render; fails when absent or ambiguous. */
export function findOne(result: RenderResult, kind: string, name?: string): K8sObject {
  const hits = result.objects
    .map((o) => o.object)
    .filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (hits.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${hits.length}`);
  }
  return hits[0] as K8sObject;
}

export function findAll(result: RenderResult, kind: string): K8sObject[] {
  return result.objects.map((o) => o.object).filter((o) => o.kind === kind);
}
