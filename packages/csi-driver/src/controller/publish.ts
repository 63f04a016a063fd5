// ControllerPublishVolume / ControllerUnpublishVolume: register the node as a CSP host (upsert,
// initiators, NVMe NQNs and networks from the node id, CHAP and DH-CHAP from the secret), map the
// volume to it over its protocol (iscsi or nvmetcp), and hand the node what it needs to attach
// in the publish context.
import type { Features, HostRequest, PublishInfo, PublishOptions, Volume } from '@opencsp/csp-spec';
import { type AccessProtocolName, defaultFsType, params, publishContext, secretKeys } from '../constants.js';
import type {
  ControllerPublishVolumeRequest__Output,
  ControllerPublishVolumeResponse,
  ControllerUnpublishVolumeRequest__Output,
  ControllerUnpublishVolumeResponse,
  VolumeCapability__Output,
} from '../csi-types.js';
import { endpointFromSecrets } from '../csp/endpoint.js';
import { csp, cspOrMissing } from '../csp/errors.js';
import type { CspFacts, CspSession } from '../csp/session.js';
import { type DhchapSecrets, dhchapFromSecrets } from '../dhchap.js';
import { failedPrecondition, invalidArgument, notFound } from '../errors.js';
import { isNodeIdentity, type NodeIdentity, parseNodeId } from '../node-id.js';
import { accessProtocolOf } from '../params.js';
import {
  capabilityProblem,
  isPossibleId,
  isReadOnlyMode,
  requireField,
  validateCapabilityShape,
  validateId,
  validateSecretKeys,
} from '../validation.js';
import type { ControllerContext } from './context.js';

type Chap = Pick<HostRequest, 'chap_user' | 'chap_password' | 'chap_mutual_user' | 'chap_mutual_password'>;

const chapUserPattern = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,63}$/;

/** CHAP settings from the controller-publish secret; validated, never echoed. */
export function chapFromSecrets(secrets: Record<string, string>): Chap | undefined {
  const user = secrets[secretKeys.chapUser];
  const password = secrets[secretKeys.chapPassword];
  const mutualUser = secrets[secretKeys.chapMutualUser];
  const mutualPassword = secrets[secretKeys.chapMutualPassword];
  if (!user && !password && !mutualUser && !mutualPassword) {
    return undefined;
  }
  if (!user || !password) {
    throw invalidArgument(
      `secrets.${user ? secretKeys.chapPassword : secretKeys.chapUser}: CHAP needs both chapUser and chapPassword`,
    );
  }
  if (!chapUserPattern.test(user)) {
    throw invalidArgument(`secrets.${secretKeys.chapUser}: must be 1-64 letters, digits, '.', ':' or '-'`);
  }
  if (password.length < 12 || password.length > 16) {
    throw invalidArgument(
      `secrets.${secretKeys.chapPassword}: must be 12 to 16 characters (iSCSI targets refuse others)`,
    );
  }
  const chap: Chap = { chap_user: user, chap_password: password };
  if (mutualUser || mutualPassword) {
    if (!mutualUser || !mutualPassword) {
      throw invalidArgument(
        `secrets.${mutualUser ? secretKeys.chapMutualPassword : secretKeys.chapMutualUser}: mutual CHAP needs both`,
      );
    }
    if (!chapUserPattern.test(mutualUser)) {
      throw invalidArgument(`secrets.${secretKeys.chapMutualUser}: must be 1-64 letters, digits, '.', ':' or '-'`);
    }
    if (mutualPassword.length < 12 || mutualPassword.length > 16) {
      throw invalidArgument(`secrets.${secretKeys.chapMutualPassword}: must be 12 to 16 characters`);
    }
    if (mutualPassword === password) {
      throw invalidArgument(`secrets.${secretKeys.chapMutualPassword}: must differ from chapPassword`);
    }
    chap.chap_mutual_user = mutualUser;
    chap.chap_mutual_password = mutualPassword;
  }
  return chap;
}

export function validatePublish(req: ControllerPublishVolumeRequest__Output): void {
  validateId(req.volumeId, 'volume_id');
  requireField(req.nodeId, 'node_id');
  validateCapabilityShape(req.volumeCapability, 'volume_capability');
  const problem = capabilityProblem(req.volumeCapability as VolumeCapability__Output);
  if (problem) {
    throw invalidArgument(`volume_capability: ${problem}`);
  }
  validateSecretKeys(req.secrets);
  endpointFromSecrets(req.secrets);
  chapFromSecrets(req.secrets);
  dhchapFromSecrets(req.secrets);
  if (req.volumeContext[params.accessProtocol] !== undefined) {
    accessProtocolOf(req.volumeContext);
  }
}

function nodeOf(nodeId: string): NodeIdentity {
  const parsed = parseNodeId(nodeId);
  if (!isNodeIdentity(parsed)) {
    throw notFound(`node_id: ${JSON.stringify(nodeId)} is not a node of this driver: ${parsed.problem}`);
  }
  return parsed;
}

function contextFor(
  info: PublishInfo,
  req: ControllerPublishVolumeRequest__Output,
  capability: VolumeCapability__Output,
): Record<string, string> {
  const readOnly = req.readonly || isReadOnlyMode(capability.accessMode?.mode ?? 'UNKNOWN');
  const context: Record<string, string> = {
    [publishContext.serialNumber]: info.serial_number,
    [publishContext.accessProtocol]: info.access_protocol,
    [publishContext.targetNames]: info.target_names.join(','),
    [publishContext.lunId]: String(info.lun_id),
    [publishContext.discoveryIps]: info.discovery_ips.join(','),
    [publishContext.targetScope]: info.target_scope ?? 'group',
    [publishContext.readOnly]: String(readOnly),
  };
  if (info.access_protocol === 'nvmetcp') {
    if (info.namespace_uuid) {
      context[publishContext.namespaceUuid] = info.namespace_uuid;
    }
    context[publishContext.dhchap] = info.dhchap ?? 'none';
  }
  if (capability.accessType === 'mount') {
    const vc = req.volumeContext;
    context[publishContext.fsType] = capability.mount?.fsType || vc.fsType || defaultFsType;
    for (const key of [publishContext.fsCreateOptions, publishContext.fsOwner, publishContext.fsMode]) {
      if (vc[key]) {
        context[key] = vc[key];
      }
    }
  }
  return context;
}

export async function publishVolume(
  ctx: ControllerContext,
  req: ControllerPublishVolumeRequest__Output,
): Promise<ControllerPublishVolumeResponse> {
  const capability = req.volumeCapability as VolumeCapability__Output;
  const node = nodeOf(req.nodeId);
  const session = ctx.sessions.forSecrets(req.secrets);
  const id = req.volumeId;
  const volume = isPossibleId(id)
    ? await cspOrMissing(`get volume ${id} from ${session.describe}`, () => session.client.getVolume(id))
    : undefined;
  if (!volume) {
    throw notFound(`volume_id: volume ${id} does not exist`);
  }
  const facts = await session.facts();
  const protocol = protocolFor(req, volume);
  const chap = chapFromSecrets(req.secrets);
  if (chap && facts.advertised && !facts.features.chap) {
    throw failedPrecondition(`${session.describe} does not support CHAP; remove chapUser/chapPassword from the secret`);
  }
  const dhchap = dhchapFromSecrets(req.secrets);
  checkNvme(session, facts, node, protocol, dhchap);
  await registerHost(session, node, protocol, chap, dhchap);
  const readOnly = req.readonly || isReadOnlyMode(capability.accessMode?.mode ?? 'UNKNOWN');
  const options = publishOptions(node.hostname, protocol, readOnly, facts.features, ctx.maxVolumesPerNode ?? 0);
  if (facts.features.published_nodes) {
    options.node_id = req.nodeId;
  }
  const info = await csp(`publish volume ${id} to node ${node.hostname} on ${session.describe}`, () =>
    session.client.publishVolume(id, options),
  );
  if (info.access_protocol !== protocol) {
    throw failedPrecondition(
      `${session.describe} answered a ${info.access_protocol} attachment for a ${protocol} publish of volume ${id}`,
    );
  }
  return { publishContext: contextFor(info, req, capability) };
}

/** The StorageClass's accessProtocol (volume context), else what the CSP says the volume is, else iscsi. */
function protocolFor(req: ControllerPublishVolumeRequest__Output, volume: Volume): AccessProtocolName {
  if (req.volumeContext[params.accessProtocol] !== undefined) {
    return accessProtocolOf(req.volumeContext);
  }
  return volume.access_protocol === 'nvmetcp' ? 'nvmetcp' : 'iscsi';
}

/** What an NVMe/TCP publish needs from the node and the CSP, checked before anything changes. */
function checkNvme(
  session: CspSession,
  facts: CspFacts,
  node: NodeIdentity,
  protocol: AccessProtocolName,
  dhchap: DhchapSecrets | undefined,
): void {
  if (protocol !== 'nvmetcp') {
    return;
  }
  if (!node.nqns?.length) {
    throw failedPrecondition(
      `node ${node.hostname} reported no NVMe host NQN: install nvme-cli so /etc/nvme/hostnqn exists and restart the node plugin`,
    );
  }
  if (dhchap && facts.advertised && !facts.features.dhchap) {
    throw failedPrecondition(`${session.describe} does not support DH-CHAP; remove dhchapKey from the secret`);
  }
}

/**
 * What the CSP is asked: `read_only` always for a CSP that records it per host (so a publish with
 * other access is refused: ALREADY_EXISTS), else only when true and enforced by the array; the
 * node's volume limit for a CSP that honours `host_volume_limit` (RESOURCE_EXHAUSTED when full).
 */
export function publishOptions(
  host: string,
  protocol: AccessProtocolName,
  readOnly: boolean,
  features: Partial<Features>,
  maxVolumesPerNode: number,
): PublishOptions {
  const options: PublishOptions = { host_uuid: host, access_protocol: protocol };
  if (features.read_only_per_host || (readOnly && features.read_only_publish)) {
    options.read_only = readOnly;
  }
  if (maxVolumesPerNode > 0 && features.host_volume_limit) {
    options.host_volume_limit = maxVolumesPerNode;
  }
  return options;
}

async function registerHost(
  session: CspSession,
  node: NodeIdentity,
  protocol: AccessProtocolName,
  chap: Chap | undefined,
  dhchap: DhchapSecrets | undefined,
): Promise<void> {
  const host: HostRequest = {
    uuid: node.hostname,
    name: node.hostname,
    ...(node.iqns.length > 0 || !node.nqns?.length ? { iqns: node.iqns } : {}),
    ...(node.nqns?.length ? { nqns: node.nqns } : {}),
    networks: node.networks,
    access_protocol: protocol,
    ...chap,
    ...(dhchap ? { dhchap_key: dhchap.key, ...(dhchap.ctrlKey ? { dhchap_ctrl_key: dhchap.ctrlKey } : {}) } : {}),
  };
  await csp(`register node ${node.hostname} as a host on ${session.describe}`, () => session.client.upsertHost(host));
}

export function validateUnpublish(req: ControllerUnpublishVolumeRequest__Output): void {
  validateId(req.volumeId, 'volume_id');
  validateSecretKeys(req.secrets);
  endpointFromSecrets(req.secrets);
}

export async function unpublishVolume(
  ctx: ControllerContext,
  req: ControllerUnpublishVolumeRequest__Output,
): Promise<ControllerUnpublishVolumeResponse> {
  const id = req.volumeId;
  if (!isPossibleId(id)) {
    return {};
  }
  const session = ctx.sessions.forSecrets(req.secrets);
  let hosts: string[];
  if (req.nodeId === '') {
    const volume = await cspOrMissing(`get volume ${id} from ${session.describe}`, () => session.client.getVolume(id));
    if (!volume || volume.published === false) {
      return {};
    }
    const all = await csp(`list hosts on ${session.describe}`, () => session.client.listHosts());
    hosts = all.map((h) => h.uuid);
  } else {
    // Always asked of the CSP, even when the volume no longer reads as published: a retry after
    // an unpublish that failed half-way (LUN unmapped, the node's masking not yet removed) is
    // what removes the rest; the CSP's unpublish is idempotent.
    const parsed = parseNodeId(req.nodeId);
    if (!isNodeIdentity(parsed)) {
      return {};
    }
    hosts = [parsed.hostname];
  }
  for (const host of hosts) {
    await cspOrMissing(`unpublish volume ${id} from node ${host} on ${session.describe}`, () =>
      session.client.unpublishVolume(id, { host_uuid: host }),
    );
  }
  return {};
}
