// A real Prometheus (Debian's `prometheus` package) on loopback for tests: a temp directory with
// its config and TSDB, one scrape job per target at a 1 s interval, queries through the HTTP API.
// `stop()` kills it and removes the directory.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const prometheusBinary = process.env.PROMETHEUS_BIN ?? 'prometheus';

/** Why Prometheus cannot run here, or undefined. */
export function missingPrometheus(): string | undefined {
  const probe = spawnSync(prometheusBinary, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${prometheusBinary} not found (Debian: apt-get install prometheus)`;
}

export interface ScrapeTarget {
  /** The job label (what serves the metrics, e.g. csp-truenas). */
  job: string;
  /** e.g. http://127.0.0.1:41234/metrics */
  url: string;
  labels?: Record<string, string>;
}

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function config(targets: readonly ScrapeTarget[]): string {
  const jobs = targets.map((t, i) => {
    const url = new URL(t.url);
    const labels = Object.entries(t.labels ?? {}).map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`);
    return [
      `  - job_name: ${JSON.stringify(`${t.job}-${i}`)}`,
      `    metrics_path: ${JSON.stringify(url.pathname)}`,
      '    static_configs:',
      `      - targets: [${JSON.stringify(url.host)}]`,
      '        labels:',
      `          component: ${JSON.stringify(t.job)}`,
      ...labels,
      '    relabel_configs:',
      '      - target_label: job',
      `        replacement: ${JSON.stringify(t.job)}`,
    ].join('\n');
  });
  return ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', ...jobs, ''].join('\n');
}

export class Prometheus {
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #dir: string;
  #log = '';

  private constructor(url: string, child: ChildProcess, dir: string) {
    this.url = url;
    this.#child = child;
    this.#dir = dir;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#log = (this.#log + chunk.toString()).slice(-4000);
    });
  }

  static async start(targets: readonly ScrapeTarget[]): Promise<Prometheus> {
    const dir = await mkdtemp(join(tmpdir(), 'opencsp-prometheus-'));
    await writeFile(join(dir, 'prometheus.yml'), config(targets));
    const port = await freePort();
    const child = spawn(
      prometheusBinary,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const prometheus = new Prometheus(`http://127.0.0.1:${port}`, child, dir);
    try {
      await prometheus.#ready();
    } catch (err) {
      await prometheus.stop();
      throw err;
    }
    return prometheus;
  }

  async #ready(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null) {
        throw new Error(`prometheus exited ${this.#child.exitCode}: ${this.#log}`);
      }
      const ok = await fetch(`${this.url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) {
        return;
      }
      await sleep(200);
    }
    throw new Error(`prometheus did not get ready within 60 s: ${this.#log}`);
  }

  /** Waits until every target was scraped successfully after this call began. */
  async scraped(timeoutMs = 60_000): Promise<void> {
    const since = Date.now();
    const deadline = since + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const body = (await (await fetch(`${this.url}/api/v1/targets?state=active`)).json()) as {
        data: { activeTargets: { health: string; lastScrape: string; lastError: string; scrapeUrl: string }[] };
      };
      const targets = body.data.activeTargets;
      const behind = targets.filter((t) => t.health !== 'up' || Date.parse(t.lastScrape) <= since);
      if (targets.length > 0 && behind.length === 0) {
        return;
      }
      last = behind.map((t) => `${t.scrapeUrl}: ${t.health} ${t.lastError}`).join('; ');
      await sleep(250);
    }
    throw new Error(`not every target was scraped within ${timeoutMs} ms: ${last}`);
  }

  /** An instant query (now); throws with Prometheus' error for a bad expression. */
  async query(expr: string): Promise<Sample[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== 'success' || !body.data) {
      throw new Error(`query ${expr}: ${body.error ?? response.status}`);
    }
    if (body.data.resultType !== 'vector') {
      throw new Error(`query ${expr}: expected a vector, got ${body.data.resultType}`);
    }
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      this.#child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000).then(() => this.#child.kill('SIGKILL'))]);
    }
    await rm(this.#dir, { recursive: true, force: true });
  }
}
