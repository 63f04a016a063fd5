// Offline validation of rendered objects against the Kubernetes OpenAPI schemas shipped in
// kubernetes-models. VolumeSnapshotClass and VolumeGroupSnapshotClass (external-snapshotter; the
// latter from groupsnapshot.storage.k8s.io/v1beta2 in ../shared/kube/crds), ServiceMonitor (Prometheus
// Operator) and Certificate (cert-manager) are CRDs, so they are checked against schemas
// transcribed from their CRDs (snapshot.storage.k8s.io/v1, monitoring.coreos.com/v1,
// cert-manager.io/v1: the fields the chart sets).
import { Ajv } from 'ajv';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { CSIDriver } from 'kubernetes-models/storage.k8s.io/v1/CSIDriver';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import { VolumeAttributesClass } from 'kubernetes-models/storage.k8s.io/v1/VolumeAttributesClass';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { K8sObject } from '../../src/chart/helm.js';

interface Validatable {
  validate(): void;
}
type ModelCtor = new (data: never) => Validatable;

const models: Record<string, ModelCtor> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'storage.k8s.io/v1/CSIDriver': CSIDriver,
  'storage.k8s.io/v1/StorageClass': StorageClass,
  'storage.k8s.io/v1/VolumeAttributesClass': VolumeAttributesClass,
};

/** Kinds that live in a namespace (everything else the chart renders is cluster-scoped). */
export const namespacedKinds = new Set([
  'ConfigMap',
  'ServiceMonitor',
  'Secret',
  'Service',
  'ServiceAccount',
  'DaemonSet',
  'Deployment',
  'NetworkPolicy',
  'Role',
  'RoleBinding',
  'Certificate',
]);

const volumeSnapshotClassSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'driver', 'deletionPolicy'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'snapshot.storage.k8s.io/v1' },
    kind: { const: 'VolumeSnapshotClass' },
    metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
    driver: { type: 'string', minLength: 1 },
    deletionPolicy: { enum: ['Delete', 'Retain'] },
    parameters: { type: 'object', additionalProperties: { type: 'string' } },
  },
};
const validateVolumeSnapshotClass = new Ajv({ allErrors: true }).compile(volumeSnapshotClassSchema);
const volumeGroupSnapshotClassSchema = {
  ...volumeSnapshotClassSchema,
  required: ['apiVersion', 'kind', 'metadata', 'driver', 'deletionPolicy'],
  properties: {
    ...volumeSnapshotClassSchema.properties,
    apiVersion: { const: 'groupsnapshot.storage.k8s.io/v1beta2' },
    kind: { const: 'VolumeGroupSnapshotClass' },
  },
};
const validateVolumeGroupSnapshotClass = new Ajv({ allErrors: true }).compile(volumeGroupSnapshotClassSchema);

const duration = { type: 'string', pattern: '^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const serviceMonitorSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'monitoring.coreos.com/v1' },
    kind: { const: 'ServiceMonitor' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1 }, namespace: { type: 'string' }, labels: stringMap },
    },
    spec: {
      type: 'object',
      required: ['selector', 'endpoints'],
      additionalProperties: false,
      properties: {
        jobLabel: { type: 'string' },
        namespaceSelector: {
          type: 'object',
          additionalProperties: false,
          properties: { any: { type: 'boolean' }, matchNames: { type: 'array', items: { type: 'string' } } },
        },
        selector: {
          type: 'object',
          additionalProperties: false,
          properties: { matchLabels: stringMap, matchExpressions: { type: 'array' } },
        },
        endpoints: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              port: { type: 'string', minLength: 1 },
              path: { type: 'string', pattern: '^/' },
              scheme: { enum: ['http', 'https'] },
              interval: duration,
              scrapeTimeout: duration,
            },
          },
        },
      },
    },
  },
};
const validateServiceMonitor = new Ajv({ allErrors: true }).compile(serviceMonitorSchema);
const goDuration = { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$' };
const certificateSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'cert-manager.io/v1' },
    kind: { const: 'Certificate' },
    metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
    spec: {
      type: 'object',
      required: ['secretName', 'issuerRef'],
      additionalProperties: false,
      properties: {
        secretName: { type: 'string', minLength: 1 },
        duration: goDuration,
        renewBefore: goDuration,
        dnsNames: { type: 'array', items: { type: 'string', minLength: 1 } },
        usages: {
          type: 'array',
          items: { enum: ['server auth', 'client auth', 'digital signature', 'key encipherment', 'cert sign'] },
        },
        privateKey: {
          type: 'object',
          additionalProperties: false,
          properties: {
            algorithm: { enum: ['RSA', 'ECDSA', 'Ed25519'] },
            size: { type: 'integer' },
            rotationPolicy: { enum: ['Never', 'Always'] },
          },
        },
        issuerRef: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1 }, kind: { type: 'string' }, group: { type: 'string' } },
        },
      },
    },
  },
};
const validateCertificate = new Ajv({ allErrors: true }).compile(certificateSchema);

/** Throws with the object's kind/name and the schema errors when it is not a valid object. */
export function validateObject(object: K8sObject): void {
  const where = `${object.kind}/${object.metadata?.name}`;
  if (object.apiVersion === 'snapshot.storage.k8s.io/v1' && object.kind === 'VolumeSnapshotClass') {
    if (!validateVolumeSnapshotClass(object)) {
      throw new Error(`${where}: ${JSON.stringify(validateVolumeSnapshotClass.errors)}`);
    }
    return;
  }
  if (object.kind === 'VolumeGroupSnapshotClass') {
    if (!validateVolumeGroupSnapshotClass(object)) {
      throw new Error(`${where}: ${JSON.stringify(validateVolumeGroupSnapshotClass.errors)}`);
    }
    return;
  }
  if (object.apiVersion === 'monitoring.coreos.com/v1' && object.kind === 'ServiceMonitor') {
    if (!validateServiceMonitor(object)) {
      throw new Error(`${where}: ${JSON.stringify(validateServiceMonitor.errors)}`);
    }
    return;
  }
  if (object.apiVersion === 'cert-manager.io/v1' && object.kind === 'Certificate') {
    if (!validateCertificate(object)) {
      throw new Error(`${where}: ${JSON.stringify(validateCertificate.errors)}`);
    }
    return;
  }
  const Model = models[`${object.apiVersion}/${object.kind}`];
  if (Model === undefined) {
    throw new Error(`${where}: no schema for ${object.apiVersion} ${object.kind}; add it to k8s-schemas.ts`);
  }
  try {
    new Model(object as never).validate();
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}
