// A few process metrics under the names Prometheus clients share (process_*, nodejs_*), read only
// when scraped, plus opencsp_build_info. prom-client's collectDefaultMetrics would add about
// 3.5 MiB of RSS, timers and GC observers to every process; these are the series the dashboard
// and the memory goals need.
import type { MetricsHub } from './hub.js';
import { promClient } from './prom.js';

export interface BuildInfo {
  component: string;
  version: string;
}

export function registerProcessMetrics(hub: MetricsHub, build: BuildInfo): void {
  const { Gauge, Counter } = promClient();
  const registers = [hub.registry];
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes.',
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: 'process_start_time_seconds',
    help: 'Start time of the process since unix epoch in seconds.',
    registers,
  }).set(Math.round(Date.now() / 1000 - process.uptime()));
  let reported = 0;
  new Counter({
    name: 'process_cpu_seconds_total',
    help: 'Total user and system CPU time spent in seconds.',
    registers,
    collect() {
      const { user, system } = process.cpuUsage();
      const total = (user + system) / 1e6;
      this.inc(Math.max(0, total - reported));
      reported = Math.max(reported, total);
    },
  });
  const heap = (name: string, help: string, read: (m: NodeJS.MemoryUsage) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read(process.memoryUsage()));
      },
    });
  heap('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', (m) => m.heapUsed);
  heap('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', (m) => m.heapTotal);
  heap('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', (m) => m.external);
  hub
    .gauge({
      name: 'build_info',
      help: 'Always 1: the component and version of this process.',
      labels: ['component', 'version'],
    })
    .set({ component: build.component, version: build.version }, 1);
}
