// One metrics registry per process and the factories every metric goes through: names are
// prefixed `opencsp_`, label names must be in the allowlist (labels.ts), latency histograms share
// one set of buckets from 10 ms to 300 s (what the CSI sidecars' deadlines span).
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isAllowedLabel } from './labels.js';
import { promClient } from './prom.js';

/** Seconds: 10 ms … 5 min. */
export const latencyBuckets: readonly number[] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export interface MetricSpec<L extends string> {
  /** Without the `opencsp_` prefix. */
  name: string;
  help: string;
  labels?: readonly L[];
}

export class MetricsHub {
  readonly registry: Registry;
  readonly #names = new Set<string>();

  constructor() {
    this.registry = new (promClient().Registry)();
  }

  counter<L extends string = never>(spec: MetricSpec<L>): Counter<L> {
    return new (promClient().Counter)<L>({ ...this.#base(spec), registers: [this.registry] });
  }

  gauge<L extends string = never>(
    spec: MetricSpec<L> & { collect?: (this: Gauge<L>) => void | Promise<void> },
  ): Gauge<L> {
    const { collect } = spec;
    return new (promClient().Gauge)<L>({
      ...this.#base(spec),
      registers: [this.registry],
      ...(collect ? { collect } : {}),
    });
  }

  /** A latency histogram in seconds with the shared buckets. */
  histogram<L extends string = never>(spec: MetricSpec<L>): Histogram<L> {
    return new (promClient().Histogram)<L>({
      ...this.#base(spec),
      buckets: [...latencyBuckets],
      registers: [this.registry],
    });
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  expose(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #base<L extends string>(spec: MetricSpec<L>) {
    const name = `opencsp_${spec.name}`;
    const labels = [...(spec.labels ?? [])];
    const refused = labels.filter((l) => !isAllowedLabel(l));
    if (refused.length > 0) {
      throw new Error(`${name}: label ${refused.join(', ')} is not in the label allowlist (metrics/labels.ts)`);
    }
    if (this.#names.has(name)) {
      throw new Error(`${name} is registered twice`);
    }
    this.#names.add(name);
    return { name, help: spec.help, labelNames: labels };
  }
}
