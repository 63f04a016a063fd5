// StorageClass parameters ↔ CSP config. Keys the driver owns are taken out; the rest are sent to
// the CSP in snake_case (the same conversion HPE's common-host-libs applies, so existing CSPs
// understand them), and the CSP's effective config comes back camelCased into the volume context.

import { isObjectName } from '@opencsp/csp-spec';
import { type AccessProtocolName, accessProtocols, params, provisionerMetadata } from './constants.js';
import { invalidArgument } from './errors.js';

const driverOwned = new Set<string>([
  params.fsType,
  params.fsTypeShort,
  params.fsCreateOptions,
  params.fsOwner,
  params.fsMode,
  params.accessProtocol,
  params.description,
  params.volumeGroup,
]);

/** `limitIops` → `limit_iops`, `volBlockSize` → `vol_block_size`, `HTTPPort` → `http_port`. */
export function toSnakeCase(key: string): string {
  return key
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** `limit_iops` → `limitIops`. */
export function toCamelCase(key: string): string {
  return key.replace(/_+([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Whether a parameter is for Kubernetes or the sidecars (`csi.storage.k8s.io/...`), never for the CSP. */
export function isKubernetesKey(key: string): boolean {
  return key.startsWith('csi.storage.k8s.io/');
}

/** The CSP `config` for a StorageClass's parameters. */
export function cspConfig(parameters: Record<string, string>): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (driverOwned.has(key) || isKubernetesKey(key)) {
      continue;
    }
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) {
      throw invalidArgument(
        `parameters.${key}: parameter names must be camelCase letters and digits (they become CSP config keys)`,
      );
    }
    config[toSnakeCase(key)] = value;
  }
  return config;
}

/** Driver-owned settings that are fixed once a volume exists (the filesystem and the protocol). */
const fixedAtCreate = new Set<string>([...driverOwned].filter((key) => key !== params.description));

/**
 * The CSP `config` for a VolumeAttributesClass's parameters (CSI `mutable_parameters`), mapped
 * like StorageClass parameters; `description` goes to the CSP as a config key (csp-truenas lists
 * it as mutable). Driver settings fixed at create are refused, naming the key; the PV/PVC metadata
 * csi-resizer adds with --extra-modify-metadata (`csi.storage.k8s.io/...`) is left out.
 */
export function mutableConfig(parameters: Record<string, string>): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (isKubernetesKey(key)) {
      continue; // csi-resizer --extra-modify-metadata: the PV/PVC names, never for the CSP
    }
    if (fixedAtCreate.has(key)) {
      throw invalidArgument(
        `mutable_parameters.${key}: is a driver setting fixed when the volume is created; it cannot be changed`,
      );
    }
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) {
      throw invalidArgument(
        `mutable_parameters.${key}: parameter names must be camelCase letters and digits (they become CSP config keys)`,
      );
    }
    config[toSnakeCase(key)] = value;
  }
  return config;
}

/** `mutable_parameters.<key>` as the user wrote it, for a CSP config key (`compression` → `compression`). */
export function mutableParameterName(configKey: string, parameters: Record<string, string>): string {
  return Object.keys(parameters).find((key) => toSnakeCase(key) === configKey) ?? toCamelCase(configKey);
}

/** The driver-owned settings of a StorageClass, validated. */
export interface DriverParams {
  fsType: string | undefined;
  fsCreateOptions: string | undefined;
  fsOwner: string | undefined;
  fsMode: string | undefined;
  accessProtocol: AccessProtocolName;
  description: string | undefined;
  /** The volume group the volume joins (`volumeGroup`), validated as a contract ObjectName. */
  volumeGroup: string | undefined;
}

/** The `accessProtocol` parameter (default iscsi); INVALID_ARGUMENT naming it otherwise. */
export function accessProtocolOf(parameters: Record<string, string>): AccessProtocolName {
  const protocol = (parameters[params.accessProtocol] ?? 'iscsi').trim().toLowerCase();
  if (!(accessProtocols as readonly string[]).includes(protocol)) {
    throw invalidArgument(
      `parameters.${params.accessProtocol}: ${JSON.stringify(parameters[params.accessProtocol])} is not supported; use ${accessProtocols.join(' or ')} (NVMe over TCP)`,
    );
  }
  return protocol as AccessProtocolName;
}

export function driverParams(parameters: Record<string, string>): DriverParams {
  const fsOwner = parameters[params.fsOwner];
  if (fsOwner !== undefined && !/^\d{1,10}:\d{1,10}$/.test(fsOwner)) {
    throw invalidArgument(
      `parameters.${params.fsOwner}: must be <uid>:<gid> with numeric ids, got ${JSON.stringify(fsOwner)}`,
    );
  }
  const fsMode = parameters[params.fsMode];
  if (fsMode !== undefined && !/^0?[0-7]{3,4}$/.test(fsMode)) {
    throw invalidArgument(
      `parameters.${params.fsMode}: must be an octal mode such as 0770, got ${JSON.stringify(fsMode)}`,
    );
  }
  const accessProtocol = accessProtocolOf(parameters);
  const fsCreateOptions = parameters[params.fsCreateOptions];
  if (fsCreateOptions !== undefined && /[;&|`$<>\\\n]/.test(fsCreateOptions)) {
    throw invalidArgument(`parameters.${params.fsCreateOptions}: must not contain shell metacharacters`);
  }
  const volumeGroup = parameters[params.volumeGroup];
  if (volumeGroup !== undefined && !isObjectName(volumeGroup)) {
    throw invalidArgument(
      `parameters.${params.volumeGroup}: ${JSON.stringify(volumeGroup)} must start with a letter or digit and hold only letters, digits, '.', '_', ':' and '-' (at most 128)`,
    );
  }
  return {
    volumeGroup,
    fsType: parameters[params.fsType] ?? parameters[params.fsTypeShort],
    fsCreateOptions,
    fsOwner,
    fsMode,
    accessProtocol,
    description: parameters[params.description],
  };
}

/** Volume context: the StorageClass parameters (without sidecar metadata) plus the CSP's effective config. */
export function volumeContext(
  parameters: Record<string, string>,
  effectiveConfig: Record<string, unknown> | undefined,
  fsType: string | undefined,
): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (!Object.values(provisionerMetadata).includes(key as never)) {
      context[key] = value;
    }
  }
  for (const [key, value] of Object.entries(effectiveConfig ?? {})) {
    if (value !== null && value !== undefined && typeof value !== 'object') {
      context[toCamelCase(key)] ??= String(value);
    }
  }
  if (fsType) {
    context[params.fsTypeShort] = fsType;
  }
  return context;
}
