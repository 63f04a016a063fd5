// Typed views of the rendered pod templates used by the assertion tests.
import { expect } from 'vitest';
import type { K8sObject } from '../../src/chart/helm.js';

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  envFrom?: unknown[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  securityContext?: {
    privileged?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string; mountPropagation?: string; readOnly?: boolean }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface Volume {
  name: string;
  hostPath?: { path: string; type?: string };
  emptyDir?: object;
  secret?: { secretName: string };
}

export interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  dnsPolicy?: string;
  priorityClassName?: string;
  tolerations?: { operator?: string }[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  containers: Container[];
  volumes?: Volume[];
}

export function podSpec(workload: K8sObject): PodSpec {
  return (workload.spec as { template: { spec: PodSpec } }).template.spec;
}

export function podLabels(workload: K8sObject): Record<string, string> {
  return (workload.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
}

export function container(spec: PodSpec, name: string): Container {
  const c = spec.containers.find((x) => x.name === name);
  if (c === undefined) {
    throw new Error(`no container ${name} (have ${spec.containers.map((x) => x.name).join(', ')})`);
  }
  return c;
}

export function volume(spec: PodSpec, name: string): Volume {
  const v = spec.volumes?.find((x) => x.name === name);
  if (v === undefined) {
    throw new Error(`no volume ${name}`);
  }
  return v;
}

export function mount(c: Container, mountPath: string) {
  const m = c.volumeMounts?.find((x) => x.mountPath === mountPath);
  if (m === undefined) {
    throw new Error(`${c.name} mounts nothing at ${mountPath}`);
  }
  return m;
}

/** The value of --flag=value in a container's args (undefined when absent). */
export function flag(c: Container, name: string): string | undefined {
  const prefix = `--${name}=`;
  return c.args?.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/** Asserts the container cannot gain privileges, write its image or use any capability. */
export function expectRestricted(c: Container): void {
  expect(c.securityContext?.privileged, c.name).not.toBe(true);
  expect(c.securityContext?.allowPrivilegeEscalation, c.name).toBe(false);
  expect(c.securityContext?.readOnlyRootFilesystem, c.name).toBe(true);
  expect(c.securityContext?.capabilities?.drop, c.name).toEqual(['ALL']);
}
