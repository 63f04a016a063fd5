// The CSI node id carries the initiator (docs/architecture.md):
//   <hostname>;<iqn>[,<iqn>...][;<cidr>[,<cidr>...]]
// at most 256 bytes. Networks are dropped (from the end) until it fits; when the hostname and IQNs
// alone do not fit, NodeGetInfo fails naming the limit.
import { networkInterfaces } from 'node:os';
import { limits } from '../constants.js';
import { failedPrecondition } from '../errors.js';

const forbidden = /[;,\s]/;

export function nodeIdFor(hostname: string, iqns: readonly string[], cidrs: readonly string[] = []): string {
  if (hostname === '' || forbidden.test(hostname)) {
    throw failedPrecondition(`node name ${JSON.stringify(hostname)} is empty or contains ';', ',' or spaces`);
  }
  if (iqns.length === 0) {
    throw failedPrecondition('the node has no initiator name to put in its node id');
  }
  for (const value of [...iqns, ...cidrs]) {
    if (value === '' || forbidden.test(value)) {
      throw failedPrecondition(`node id part ${JSON.stringify(value)} is empty or contains ';', ',' or spaces`);
    }
  }
  const base = `${hostname};${iqns.join(',')}`;
  if (Buffer.byteLength(base) > limits.nodeIdBytes) {
    throw failedPrecondition(
      `node id "${base.slice(0, 64)}..." is ${Buffer.byteLength(base)} bytes without networks; CSI allows ${limits.nodeIdBytes}`,
    );
  }
  for (let n = cidrs.length; n > 0; n--) {
    const id = `${base};${cidrs.slice(0, n).join(',')}`;
    if (Buffer.byteLength(id) <= limits.nodeIdBytes) {
      return id;
    }
  }
  return base;
}

/** Parses a node id back into its parts (the controller's side; here for tests and tools). */
export function parseNodeId(nodeId: string): { hostname: string; iqns: string[]; cidrs: string[] } {
  const [hostname = '', iqns = '', cidrs = ''] = nodeId.split(';');
  const list = (s: string) => (s === '' ? [] : s.split(','));
  return { hostname, iqns: list(iqns), cidrs: list(cidrs) };
}

/** The host's networks as CIDRs (hostNetwork pods see the host's interfaces): no loopback or link-local. */
export function hostNetworks(): string[] {
  const cidrs: string[] = [];
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.internal || a.cidr === null || /^fe80:/i.test(a.address) || /^169\.254\./.test(a.address)) {
        continue;
      }
      cidrs.push(a.cidr);
    }
  }
  return cidrs;
}
