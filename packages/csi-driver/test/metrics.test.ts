// The driver's instruments: RPCs by service, method and code with in-flight and ABORTED
// duplicates, host commands by executable and result, node stage/attach times and path health
// summed over volumes (a volume id is never a label), and which instruments each mode gets.
import { MetricsHub } from '@opencsp/csp-spec/metrics';
import { describe, expect, it } from 'vitest';
import { hostMetrics } from '../src/metrics/host.js';
import { startDriverMetrics } from '../src/metrics/index.js';
import { nodeMetrics, pathHealth } from '../src/metrics/node.js';
import { rpcMetrics, serviceOf } from '../src/metrics/rpc.js';

describe('driver metrics', () => {
  it('files each RPC under its CSI service', () => {
    expect(serviceOf('Probe')).toBe('Identity');
    expect(serviceOf('NodeStageVolume')).toBe('Node');
    expect(serviceOf('CreateVolume')).toBe('Controller');
    expect(serviceOf('ControllerPublishVolume')).toBe('Controller');
  });

  it('counts RPCs by code, in flight and ABORTED duplicates', async () => {
    const hub = new MetricsHub();
    const probe = rpcMetrics(hub).probe('CreateVolume');
    let text = await hub.expose();
    expect(text).toContain('opencsp_csi_rpc_aborted_duplicates_total{service="Controller",method="CreateVolume"} 0');
    probe.begin();
    probe.begin();
    probe.end('OK', 0.2, false);
    text = await hub.expose();
    expect(text).toContain('opencsp_csi_rpc_in_flight{service="Controller",method="CreateVolume"} 1');
    probe.end('ABORTED', 0.001, true);
    text = await hub.expose();
    expect(text).toContain('opencsp_csi_rpc_in_flight{service="Controller",method="CreateVolume"} 0');
    expect(text).toContain('opencsp_csi_rpc_aborted_duplicates_total{service="Controller",method="CreateVolume"} 1');
    expect(text).toContain(
      'opencsp_csi_rpc_duration_seconds_count{service="Controller",method="CreateVolume",code="ABORTED"} 1',
    );
    expect(text).toContain(
      'opencsp_csi_rpc_duration_seconds_bucket{le="0.25",service="Controller",method="CreateVolume",code="OK"} 1',
    );
    expect(text).toContain(
      'opencsp_csi_rpc_duration_seconds_bucket{le="300",service="Controller",method="CreateVolume",code="OK"} 1',
    );
  });

  it('labels host commands by executable and counts timeouts, never an argument', async () => {
    const hub = new MetricsHub();
    const host = hostMetrics(hub);
    host.command('/usr/sbin/iscsiadm', 'success', 0.05);
    host.command('/usr/sbin/iscsiadm', 'timeout', 30);
    host.command('mount', 'failure', 0.01);
    const text = await hub.expose();
    expect(text).toContain('opencsp_host_command_timeouts_total{command="iscsiadm"} 1');
    expect(text).toContain('opencsp_host_command_timeouts_total{command="mount"} 0');
    expect(text).toContain('opencsp_host_command_duration_seconds_count{command="iscsiadm",result="timeout"} 1');
    expect(text).not.toContain('/usr/sbin');
  });

  it('sums paths and sessions over volumes and counts volumes by health, without volume ids', async () => {
    expect(pathHealth({ pathsActive: 2, pathsTotal: 2, sessionsUp: 2, sessionsTotal: 2 })).toBe('healthy');
    expect(pathHealth({ pathsActive: 1, pathsTotal: 2, sessionsUp: 2, sessionsTotal: 2 })).toBe('degraded');
    expect(pathHealth({ pathsActive: 2, pathsTotal: 2, sessionsUp: 1, sessionsTotal: 2 })).toBe('degraded');
    expect(pathHealth({ pathsActive: 0, pathsTotal: 2, sessionsUp: 0, sessionsTotal: 2 })).toBe('down');
    const hub = new MetricsHub();
    const node = nodeMetrics(hub);
    node.stagedVolumes(async () => 2);
    node.paths('tank/k8s/pvc-secret-name', { pathsActive: 2, pathsTotal: 2, sessionsUp: 2, sessionsTotal: 2 });
    node.paths('tank/k8s/pvc-other', { pathsActive: 1, pathsTotal: 2, sessionsUp: 1, sessionsTotal: 2 });
    node.paths('tank/k8s/pvc-gone', { pathsActive: 0, pathsTotal: 1, sessionsUp: 0, sessionsTotal: 1 });
    node.paths('tank/k8s/pvc-gone', undefined);
    node.staged('iscsi', 'success', 1.5);
    node.attached('iscsi', 'failure', 12);
    const text = await hub.expose();
    expect(text).toContain('opencsp_node_staged_volumes 2');
    expect(text).toContain('opencsp_node_paths{state="active"} 3');
    expect(text).toContain('opencsp_node_paths{state="failed"} 1');
    expect(text).toContain('opencsp_node_sessions{state="logged_in"} 3');
    expect(text).toContain('opencsp_node_volumes_by_path_health{health="degraded"} 1');
    expect(text).toContain('opencsp_node_volumes_by_path_health{health="down"} 0');
    expect(text).toContain('opencsp_node_stage_duration_seconds_count{transport="iscsi",result="success"} 1');
    expect(text).toContain('opencsp_node_attach_duration_seconds_count{transport="iscsi",result="failure"} 1');
    expect(text).not.toContain('pvc-');
  });

  it('gives each mode its instruments and serves them until closed', async () => {
    const address = { host: '127.0.0.1', port: 0 };
    const controller = await startDriverMetrics({ address, path: '/metrics' }, '1.2.3', 'controller');
    const node = await startDriverMetrics({ address, path: '/metrics' }, '1.2.3', 'node');
    try {
      expect(Object.keys(controller ?? {}).sort()).toEqual(['close', 'csp', 'rpc', 'url']);
      expect(Object.keys(node ?? {}).sort()).toEqual(['close', 'host', 'node', 'rpc', 'url']);
      const text = await (await fetch(controller?.url ?? '')).text();
      expect(text).toContain('opencsp_build_info{component="csi-driver",version="1.2.3"} 1');
      expect(text).toContain('opencsp_csp_logins_total{kind="relogin",result="success"} 0');
    } finally {
      await controller?.close();
      await node?.close();
    }
    expect(await startDriverMetrics({ address: undefined, path: '/metrics' }, '1', 'all')).toBeUndefined();
  });
});
