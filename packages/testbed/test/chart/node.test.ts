// The node plugin: privileged driver with the host paths iSCSI/multipath/mount need, mounts that
// reach kubelet (Bidirectional), and one socket shared by the driver, the registrar (which
// announces it to kubelet by its host path) and the livenessprobe.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToolchain, ciValuesDir, findAll, findOne, Helm, type RenderResult } from '../../src/chart/helm.js';
import { container, flag, mount, type PodSpec, podSpec, volume } from './pods.js';

const missing = await chartToolchain('chart node tests');

/** Host path of the socket a container reaches at `socketPath` through its mounts. */
function hostPathOf(spec: PodSpec, containerName: string, socketPath: string): string {
  const c = container(spec, containerName);
  const m = c.volumeMounts?.find((x) => socketPath.startsWith(`${x.mountPath}/`));
  if (m === undefined) {
    throw new Error(`${containerName} has no mount holding ${socketPath}`);
  }
  const hostDir = volume(spec, m.name).hostPath?.path;
  return `${hostDir}${socketPath.slice(m.mountPath.length)}`;
}

describe.skipIf(missing !== undefined)(`node DaemonSet (${missing ?? 'rendered'})`, () => {
  let helm: Helm;
  let defaults: RenderResult;
  let k0s: RenderResult;
  let direct: RenderResult;
  beforeAll(async () => {
    helm = await Helm.start();
    defaults = await helm.render();
    k0s = await helm.render({ valueFiles: [join(ciValuesDir, 'kubelet-dir-values.yaml')] });
    direct = await helm.render({ valueFiles: [join(ciValuesDir, 'direct-mode-values.yaml')] });
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  it('runs the driver privileged, in node mode, with the node name from the downward API', () => {
    const spec = podSpec(findOne(defaults, 'DaemonSet'));
    const driver = container(spec, 'csi-driver');
    expect(driver.securityContext?.privileged).toBe(true);
    expect(flag(driver, 'mode')).toBe('node');
    expect(flag(driver, 'node-name')).toBe('$(NODE_NAME)');
    expect(driver.env?.find((e) => e.name === 'NODE_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('spec.nodeName');
    expect(flag(driver, 'host-mode')).toBe('chroot');
    expect(flag(driver, 'host-root')).toBe('/host');
    expect(flag(driver, 'max-volumes-per-node')).toBe('0');
    expect(flag(driver, 'reserved-volume-attachments')).toBeUndefined();
    expect(flag(driver, 'iscsi-node-db-concurrency')).toBe('4');
    expect(flag(driver, 'iscsi-node-db-timeout')).toBe('2m');
  });

  it('mounts the kubelet dir and the host root with Bidirectional propagation, plus /dev and /sys', () => {
    const spec = podSpec(findOne(defaults, 'DaemonSet'));
    const driver = container(spec, 'csi-driver');
    const kubelet = mount(driver, '/var/lib/kubelet');
    expect(kubelet.mountPropagation).toBe('Bidirectional');
    expect(volume(spec, kubelet.name).hostPath).toEqual({ path: '/var/lib/kubelet', type: 'Directory' });
    const host = mount(driver, '/host');
    expect(host.mountPropagation).toBe('Bidirectional');
    expect(volume(spec, host.name).hostPath?.path).toBe('/');
    expect(volume(spec, mount(driver, '/dev').name).hostPath?.path).toBe('/dev');
    expect(volume(spec, mount(driver, '/sys').name).hostPath?.path).toBe('/sys');
    for (const name of ['node-driver-registrar', 'liveness-probe']) {
      const mounts = container(spec, name).volumeMounts ?? [];
      expect(mounts.every((m) => m.mountPropagation === undefined)).toBe(true);
    }
  });

  it('keeps per-volume state on a hostPath so it survives pod restarts', () => {
    const spec = podSpec(findOne(defaults, 'DaemonSet'));
    const driver = container(spec, 'csi-driver');
    const stateDir = flag(driver, 'state-dir') ?? '';
    expect(stateDir).toBe('/var/lib/opencsp/node');
    expect(volume(spec, mount(driver, stateDir).name).hostPath).toEqual({ path: stateDir, type: 'DirectoryOrCreate' });
  });

  it('shares one socket between the driver, the registrar and the livenessprobe and registers its host path', () => {
    const spec = podSpec(findOne(defaults, 'DaemonSet'));
    const driver = container(spec, 'csi-driver');
    const endpoint = (flag(driver, 'endpoint') ?? '').replace(/^unix:\/\//, '');
    const socketOnHost = '/var/lib/kubelet/plugins/csi.opencsp.io/csi.sock';
    expect(hostPathOf(spec, 'csi-driver', endpoint)).toBe(socketOnHost);
    for (const name of ['node-driver-registrar', 'liveness-probe']) {
      const address = flag(container(spec, name), 'csi-address') ?? '';
      expect(hostPathOf(spec, name, address)).toBe(socketOnHost);
    }
    const registrar = container(spec, 'node-driver-registrar');
    expect(flag(registrar, 'kubelet-registration-path')).toBe(socketOnHost);
    expect(volume(spec, mount(registrar, '/registration').name).hostPath?.path).toBe(
      '/var/lib/kubelet/plugins_registry',
    );
  });

  it('probes the driver through the livenessprobe sidecar and the registrar through its own endpoint', () => {
    const spec = podSpec(findOne(defaults, 'DaemonSet'));
    const driver = container(spec, 'csi-driver');
    const healthPort = driver.ports?.find((p) => p.name === 'healthz')?.containerPort;
    expect(healthPort).toBe(9809);
    expect(flag(container(spec, 'liveness-probe'), 'health-port')).toBe('9809');
    const registrar = container(spec, 'node-driver-registrar');
    expect(flag(registrar, 'http-endpoint')).toBe(':9810');
    expect(registrar.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'registrar' });
  });

  it('uses the host network, tolerates every taint and runs at node-critical priority without an API token', () => {
    const spec = podSpec(findOne(defaults, 'DaemonSet'));
    expect(spec.hostNetwork).toBe(true);
    expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(spec.hostPID).toBeUndefined();
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.priorityClassName).toBe('system-node-critical');
    expect(spec.automountServiceAccountToken).toBe(false);
    const bindings = [...findAll(defaults, 'ClusterRoleBinding'), ...findAll(defaults, 'RoleBinding')];
    const subjects = bindings.flatMap((b) => (b.subjects as { name: string }[]).map((s) => s.name));
    expect(subjects).not.toContain(spec.serviceAccountName);
  });

  it('follows a custom kubeletDir everywhere (trailing slash ignored) and uses hostPID for nsenter', () => {
    const spec = podSpec(findOne(k0s, 'DaemonSet'));
    const driver = container(spec, 'csi-driver');
    expect(mount(driver, '/var/lib/k0s/kubelet').mountPropagation).toBe('Bidirectional');
    const socket = '/var/lib/k0s/kubelet/plugins/csi.opencsp.io/csi.sock';
    expect(hostPathOf(spec, 'csi-driver', '/csi/csi.sock')).toBe(socket);
    expect(flag(container(spec, 'node-driver-registrar'), 'kubelet-registration-path')).toBe(socket);
    expect(volume(spec, 'registration-dir').hostPath?.path).toBe('/var/lib/k0s/kubelet/plugins_registry');
    const paths = (spec.volumes ?? []).map((v) => v.hostPath?.path ?? '');
    expect(paths.filter((p) => p.includes('/var/lib/kubelet') || p.includes('//'))).toEqual([]);
    expect(flag(driver, 'host-mode')).toBe('nsenter');
    expect(spec.hostPID).toBe(true);
    expect(mount(driver, '/host').mountPropagation).toBe('HostToContainer');
    expect(flag(driver, 'max-volumes-per-node')).toBe('64');
    expect(flag(driver, 'reserved-volume-attachments')).toBe('4');
    expect(flag(driver, 'iscsi-node-db-concurrency')).toBe('2');
    expect(flag(driver, 'iscsi-node-db-timeout')).toBe('5m');
    expect(flag(container(spec, 'liveness-probe'), 'health-port')).toBe('19809');
    expect(flag(container(spec, 'node-driver-registrar'), 'http-endpoint')).toBe(':19810');
  });

  it('mounts the host iSCSI and multipath configuration only in direct mode', () => {
    const directDriver = container(podSpec(findOne(direct, 'DaemonSet')), 'csi-driver');
    for (const path of ['/etc/iscsi', '/etc/multipath', '/etc/multipath.conf', '/run/udev', '/lib/modules']) {
      expect(() => mount(directDriver, path)).not.toThrow();
    }
    expect(mount(directDriver, '/lib/modules').readOnly).toBe(true);
    const chrootDriver = container(podSpec(findOne(defaults, 'DaemonSet')), 'csi-driver');
    expect(() => mount(chrootDriver, '/etc/iscsi')).toThrow();
  });

  it('keeps the registrar and the livenessprobe unprivileged', () => {
    const spec = podSpec(findOne(defaults, 'DaemonSet'));
    for (const name of ['node-driver-registrar', 'liveness-probe']) {
      const sc = container(spec, name).securityContext;
      expect(sc?.privileged).not.toBe(true);
      expect(sc?.allowPrivilegeEscalation).toBe(false);
      expect(sc?.capabilities?.drop).toEqual(['ALL']);
    }
  });
});
