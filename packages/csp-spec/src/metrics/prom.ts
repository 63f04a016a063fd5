// prom-client, loaded on first use and only in processes that serve metrics. It is CommonJS and
// its index also loads the Pushgateway client, Summary (with tdigest) and the cluster aggregator,
// none of which we use: requiring the four modules we do use costs about 5 MiB of RSS, the whole
// index about 12 MiB (prom-client 15.1, Node 20; docs/metrics.md "Cost"). The version is pinned in
// package.json; a test checks these paths exist.
import { createRequire } from 'node:module';
import type * as Prom from 'prom-client';

export interface PromLib {
  Registry: typeof Prom.Registry;
  Counter: typeof Prom.Counter;
  Gauge: typeof Prom.Gauge;
  Histogram: typeof Prom.Histogram;
}

/** The prom-client modules opencsp uses (by path inside the package); promClient() names each literally. */
export const promModules = ['lib/registry', 'lib/counter', 'lib/gauge', 'lib/histogram'] as const;

let loaded: PromLib | undefined;

export function promClient(): PromLib {
  if (!loaded) {
    // One literal path per call, so that the services' bundler (scripts/bundle.mjs) follows them.
    const load = createRequire(import.meta.url);
    loaded = {
      Registry: load('prom-client/lib/registry'),
      Counter: load('prom-client/lib/counter'),
      Gauge: load('prom-client/lib/gauge'),
      Histogram: load('prom-client/lib/histogram'),
    };
  }
  return loaded;
}
