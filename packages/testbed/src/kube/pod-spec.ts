// The parts of a pod template a runtime needs, and how kubelet turns a container's env and args
// into what the process gets: downward-API values, $(VAR) expansion with $$ as an escape.

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  mountPropagation?: 'None' | 'HostToContainer' | 'Bidirectional';
  readOnly?: boolean;
}

export interface SecurityContext {
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  capabilities?: { drop?: string[]; add?: string[] };
}

/** An HTTP probe (the chart's CSP probes); `port` is a number or the name of a container port. */
export interface Probe {
  httpGet?: { path?: string; port: number | string; scheme?: 'HTTP' | 'HTTPS' };
}

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: unknown[];
  workingDir?: string;
  ports?: { name?: string; containerPort: number }[];
  securityContext?: SecurityContext;
  volumeMounts?: VolumeMount[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}

export interface VolumeSpec {
  name: string;
  hostPath?: { path: string; type?: string };
  emptyDir?: object;
  secret?: { secretName: string; defaultMode?: number; items?: { key: string; path: string }[] };
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number; runAsNonRoot?: boolean };
  containers: ContainerSpec[];
  volumes?: VolumeSpec[];
}

/** What the downward API gives a pod's env (fieldRef paths). */
export interface PodFields {
  name: string;
  namespace: string;
  nodeName: string;
  serviceAccountName: string;
  hostIP: string;
  podIP: string;
}

function fieldValue(path: string, fields: PodFields): string {
  switch (path) {
    case 'spec.nodeName':
      return fields.nodeName;
    case 'metadata.name':
      return fields.name;
    case 'metadata.namespace':
      return fields.namespace;
    case 'spec.serviceAccountName':
      return fields.serviceAccountName;
    case 'status.hostIP':
      return fields.hostIP;
    case 'status.podIP':
      return fields.podIP;
    default:
      throw new Error(`fieldRef ${path} is not supported by the test runtime`);
  }
}

/** Replaces $(NAME) with a defined variable's value, keeps undefined ones, turns $$ into $. */
export function expandVars(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) {
      return '$';
    }
    return vars[name] ?? match;
  });
}

/**
 * The container's environment as kubelet builds it: the service environment first, then each
 * entry in order (a value may refer to earlier ones with $(NAME)).
 */
export function containerEnv(
  container: ContainerSpec,
  fields: PodFields,
  serviceEnv: Record<string, string>,
): Record<string, string> {
  if (container.envFrom?.length) {
    throw new Error(`${container.name}: envFrom is not supported by the test runtime`);
  }
  const env: Record<string, string> = { ...serviceEnv };
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) {
      env[entry.name] = expandVars(entry.value, env);
    } else if (entry.valueFrom?.fieldRef) {
      env[entry.name] = fieldValue(entry.valueFrom.fieldRef.fieldPath, fields);
    } else if (entry.valueFrom) {
      throw new Error(`${container.name}: env ${entry.name} has a source the test runtime does not support`);
    } else {
      env[entry.name] = '';
    }
  }
  return env;
}

/** The container's args with $(VAR) expanded from its environment. */
export function containerArgs(container: ContainerSpec, env: Record<string, string>): string[] {
  return (container.args ?? []).map((arg) => expandVars(arg, env));
}
