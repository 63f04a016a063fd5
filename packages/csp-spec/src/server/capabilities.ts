// Builds a CSP's `GET /capabilities` answer from the features it claims, so every provider states
// its claims as one list and the contract version always comes from the contract itself.
import { contractVersion } from '../spec.js';
import type { AccessProtocol, Capabilities, FeatureName, Features } from '../types.js';

const allFeatures: readonly FeatureName[] = [
  'capacity',
  'volume_health',
  'list_pagination',
  'list_all_snapshots',
  'volume_groups',
  'snapshot_groups',
  'replication',
  'chap',
  'expand_online',
  'read_only_publish',
  'published_nodes',
  'dhchap',
  'read_only_per_host',
  'host_volume_limit',
  'any_volume_name',
  'snapshot_delete_with_clones',
];

export interface CapabilityClaims {
  provider: NonNullable<Capabilities['provider']>;
  /** The optional features this CSP implements; every other feature is reported false. */
  claims: readonly FeatureName[];
  accessProtocols?: AccessProtocol[];
  limits?: Capabilities['limits'];
  configKeys?: readonly string[];
  /** The config keys `PUT /volumes/{id}` can change (absent: not stated). */
  mutableConfigKeys?: readonly string[];
}

export function describeCapabilities(input: CapabilityClaims): Capabilities {
  const features = Object.fromEntries(allFeatures.map((name) => [name, input.claims.includes(name)])) as Features;
  const answer: Capabilities = {
    contract_version: contractVersion(),
    provider: input.provider,
    access_protocols: input.accessProtocols ?? ['iscsi'],
    features,
  };
  if (input.limits) {
    answer.limits = input.limits;
  }
  if (input.configKeys) {
    answer.config_keys = [...input.configKeys];
  }
  if (input.mutableConfigKeys) {
    answer.mutable_config_keys = [...input.mutableConfigKeys];
  }
  return answer;
}
