// The CSI node id carries the node's initiator names and networks (docs/architecture.md):
//   <hostname>;<initiator>[,<initiator>...][;<cidr>[,<cidr>...]]
// An initiator is an iSCSI name (iqn./eui./naa.) or an NVMe host NQN (nqn.): the prefixes never
// overlap, so ids of nodes without NVMe are exactly what they were before NQNs existed. The node
// builds it in NodeGetInfo; the controller parses it in ControllerPublishVolume to register the
// node as a CSP host. No Kubernetes API is involved.
import { limits } from './constants.js';

export interface NodeIdentity {
  /** Kubernetes node name; the CSP host uuid and name. */
  hostname: string;
  iqns: string[];
  /** NVMe host NQNs (empty or absent on nodes without NVMe/TCP). */
  nqns?: string[];
  /** Host NIC addresses with prefix length; may be empty. */
  networks: string[];
}

const hostnamePattern = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const iqnPattern = /^(iqn\.\d{4}-\d{2}\.\S+|eui\.[0-9A-Fa-f]{16}|naa\.[0-9A-Fa-f]{16,32})$/;
const nqnPattern = /^nqn\.\d{4}-\d{2}\.\S+$/;
const cidrPattern = /^[0-9A-Fa-f:.]+\/\d{1,3}$/;

/** Whether an initiator name is an NVMe host NQN (else it is an iSCSI name). */
export const isNqn = (name: string): boolean => name.startsWith('nqn.');

/** Parses a node id; returns a reason instead of throwing, so callers choose the gRPC code. */
export function parseNodeId(nodeId: string): NodeIdentity | { problem: string } {
  if (Buffer.byteLength(nodeId) > limits.nodeIdBytes) {
    return { problem: `longer than ${limits.nodeIdBytes} bytes` };
  }
  const parts = nodeId.split(';');
  if (parts.length < 2 || parts.length > 3) {
    return { problem: 'expected <hostname>;<initiator>[,<initiator>...][;<cidr>[,<cidr>...]]' };
  }
  const [hostname = '', iqnList = '', cidrList = ''] = parts;
  if (!hostnamePattern.test(hostname) || hostname.length > 253) {
    return { problem: `hostname ${JSON.stringify(hostname)} is not a valid node name` };
  }
  const initiators = iqnList.split(',').filter(Boolean);
  const iqns = initiators.filter((name) => !isNqn(name));
  const nqns = initiators.filter(isNqn);
  if (initiators.length === 0 || iqns.length > 16 || nqns.length > 16) {
    return { problem: 'needs one to sixteen iSCSI initiator names or NVMe host NQNs' };
  }
  const badIqn = iqns.find((iqn) => !iqnPattern.test(iqn) || iqn.length > 223);
  if (badIqn) {
    return { problem: `${JSON.stringify(badIqn)} is not an iSCSI initiator name` };
  }
  const badNqn = nqns.find((nqn) => !nqnPattern.test(nqn) || nqn.length > 223);
  if (badNqn) {
    return { problem: `${JSON.stringify(badNqn)} is not an NVMe qualified name` };
  }
  const networks = cidrList.split(',').filter(Boolean);
  const badCidr = networks.find((cidr) => !cidrPattern.test(cidr));
  if (badCidr) {
    return { problem: `${JSON.stringify(badCidr)} is not an address with prefix length` };
  }
  return { hostname, iqns, nqns, networks };
}

export function isNodeIdentity(value: NodeIdentity | { problem: string }): value is NodeIdentity {
  return !('problem' in value);
}

/**
 * Builds a node id. Networks are dropped from the end until the id fits the CSI limit (CSPs
 * treat them as optional); a hostname and initiators that alone do not fit are an error.
 */
export function formatNodeId(identity: NodeIdentity): string {
  const base = `${identity.hostname};${[...identity.iqns, ...(identity.nqns ?? [])].join(',')}`;
  if (Buffer.byteLength(base) > limits.nodeIdBytes) {
    throw new Error(
      `node id "${base.slice(0, 64)}..." is ${Buffer.byteLength(base)} bytes without networks; CSI allows ${limits.nodeIdBytes}`,
    );
  }
  for (let n = identity.networks.length; n > 0; n--) {
    const id = `${base};${identity.networks.slice(0, n).join(',')}`;
    if (Buffer.byteLength(id) <= limits.nodeIdBytes) {
      return id;
    }
  }
  return base;
}
