// The metrics core: label allowlist and value rules, option parsing, the prom-client modules we
// load by path, the endpoint (path, methods, exposition), and what the kit and array instruments
// expose.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import {
  arrayMetrics,
  commandLabel,
  isAllowedLabel,
  kitMetrics,
  MetricsHub,
  type MetricsServer,
  metricsOptions,
  parseMetricsAddress,
  promModules,
  registerProcessMetrics,
  serveMetrics,
  startMetrics,
  token,
} from '../src/metrics/index.js';

describe('label rules', () => {
  it('refuses a label outside the allowlist when a metric is created', () => {
    const hub = new MetricsHub();
    for (const label of ['volume', 'volume_id', 'user', 'username', 'ip', 'array_ip', 'node', 'pvc', 'secret']) {
      expect(isAllowedLabel(label), label).toBe(false);
      expect(() => hub.counter({ name: `c_${label}`, help: 'h', labels: [label] }), label).toThrow(/allowlist/);
    }
    expect(() => hub.counter({ name: 'ok_total', help: 'h', labels: ['method', 'code'] })).not.toThrow();
  });

  it('refuses a metric registered twice and prefixes every name', async () => {
    const hub = new MetricsHub();
    hub.counter({ name: 'things_total', help: 'h' }).inc();
    expect(() => hub.counter({ name: 'things_total', help: 'h' })).toThrow(/twice/);
    expect(await hub.expose()).toContain('opencsp_things_total 1');
  });

  it('keeps short tokens and maps anything else to a fallback', () => {
    expect(token('pool.dataset.query')).toBe('pool.dataset.query');
    expect(token('SYNO.Core.ISCSI.LUN.create')).toBe('SYNO.Core.ISCSI.LUN.create');
    expect(token(404)).toBe('404');
    expect(token('EEXIST')).toBe('EEXIST');
    for (const text of ['', ' spaced out', 'a"b', 'x'.repeat(65), 'name=secret value', '10.0.0.1 refused', undefined]) {
      expect(token(text), String(text)).toBe('other');
    }
    expect(token('', 'default')).toBe('default');
  });

  it('labels host commands by the executable only', () => {
    expect(commandLabel('/usr/sbin/iscsiadm')).toBe('iscsiadm');
    expect(commandLabel('mkfs.ext4')).toBe('mkfs.ext4');
    expect(commandLabel('/tmp/with space/x y')).toBe('other');
    expect(commandLabel('/usr/bin/')).toBe('other');
  });
});

describe('options', () => {
  it('parses [host]:port and refuses anything else', () => {
    expect(parseMetricsAddress(':9811')).toEqual({ host: '0.0.0.0', port: 9811 });
    expect(parseMetricsAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseMetricsAddress('[::1]:9811')).toEqual({ host: '::1', port: 9811 });
    for (const bad of ['9811', 'host', ':99999', 'http://x:1', 'a b:1']) {
      expect(() => parseMetricsAddress(bad), bad).toThrow(/host\]:port/);
    }
  });

  it('names the options and environment variables after the component', () => {
    const table = metricsOptions('OPENCSP');
    expect(table.metricsAddress.env).toBe('OPENCSP_METRICS_ADDRESS');
    expect(table.metricsPath.env).toBe('OPENCSP_METRICS_PATH');
    expect(table.metricsPath.default).toBe('/metrics');
    expect(() => table.metricsPath.parse('metrics')).toThrow(/URL path/);
    expect(table.metricsPath.parse('/x/metrics')).toBe('/x/metrics');
  });

  it('loads nothing and serves nothing without an address', async () => {
    expect(await startMetrics({ address: undefined, path: '/metrics' }, { component: 'c', version: '1' })).toBe(
      undefined,
    );
  });

  it('loads prom-client modules that exist in the pinned version', () => {
    const load = createRequire(import.meta.url);
    for (const path of promModules) {
      expect(() => load.resolve(`prom-client/${path}`), path).not.toThrow();
    }
  });
});

describe('endpoint', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves the exposition at its path only, GET and HEAD only', async () => {
    const hub = new MetricsHub();
    registerProcessMetrics(hub, { component: 'csp-test', version: '9.9.9' });
    server = await serveMetrics(hub, { host: '127.0.0.1', port: 0 }, '/m');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/m$/);
    const answer = await fetch(server.url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    const text = await answer.text();
    expect(text).toContain('opencsp_build_info{component="csp-test",version="9.9.9"} 1');
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^process_cpu_seconds_total [\d.e-]+$/m);
    expect((await fetch(new URL('/other', server.url))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200);
  });
});

describe('instruments', () => {
  it('the kit reports requests by route and status, sessions and capacity per pool', async () => {
    const hub = new MetricsHub();
    const kit = kitMetrics(hub);
    kit.sessions(() => 3);
    kit.request('createVolume', 201, 0.02);
    kit.request('a route with spaces', 404, 0.001);
    kit.capacity('', 10, 100);
    kit.capacity('tank/k8s', 5, undefined);
    const text = await hub.expose();
    expect(text).toContain('opencsp_csp_http_request_duration_seconds_count{route="createVolume",status="201"} 1');
    expect(text).toContain('opencsp_csp_http_request_duration_seconds_count{route="other",status="404"} 1');
    expect(text).toContain('opencsp_csp_sessions 3');
    expect(text).toContain('opencsp_array_capacity_bytes{pool="default",kind="total"} 100');
    expect(text).toContain('opencsp_array_capacity_bytes{pool="tank/k8s",kind="available"} 5');
  });

  it('the array client reports calls by method and code, connections, reconnects and logins', async () => {
    const hub = new MetricsHub();
    const array = arrayMetrics(hub);
    expect(await hub.expose()).toContain('opencsp_array_logins_total{result="refused"} 0');
    array.call('pool.dataset.create', 'EEXIST', 0.3);
    array.call('pool.dataset.create', 'ok', 0.1);
    array.connection(1);
    array.connection(1);
    array.connection(-1);
    array.reconnected();
    array.login('refused');
    const text = await hub.expose();
    expect(text).toContain('opencsp_array_call_duration_seconds_count{method="pool.dataset.create",code="EEXIST"} 1');
    expect(text).toContain(
      'opencsp_array_call_duration_seconds_bucket{le="0.01",method="pool.dataset.create",code="ok"} 0',
    );
    expect(text).toContain('opencsp_array_connections 1');
    expect(text).toContain('opencsp_array_reconnects_total 1');
    expect(text).toContain('opencsp_array_logins_total{result="refused"} 1');
  });
});
