// Builds this node's CSI node id (format and parser in ../node-id.ts, shared with the controller)
// and reads the host networks that go into it.
import { networkInterfaces } from 'node:os';
import { failedPrecondition } from '../errors.js';
import { formatNodeId } from '../node-id.js';

const forbidden = /[;,\s]/;

/** The node id for NodeGetInfo; FAILED_PRECONDITION when the parts cannot make a valid id. */
export function nodeIdFor(
  hostname: string,
  iqns: readonly string[],
  cidrs: readonly string[] = [],
  nqns: readonly string[] = [],
): string {
  if (hostname === '' || forbidden.test(hostname)) {
    throw failedPrecondition(`node name ${JSON.stringify(hostname)} is empty or contains ';', ',' or spaces`);
  }
  if (iqns.length === 0 && nqns.length === 0) {
    throw failedPrecondition('the node has no iSCSI initiator name and no NVMe host NQN to put in its node id');
  }
  for (const value of [...iqns, ...nqns, ...cidrs]) {
    if (value === '' || forbidden.test(value)) {
      throw failedPrecondition(`node id part ${JSON.stringify(value)} is empty or contains ';', ',' or spaces`);
    }
  }
  try {
    return formatNodeId({ hostname, iqns: [...iqns], nqns: [...nqns], networks: [...cidrs] });
  } catch (err) {
    throw failedPrecondition((err as Error).message);
  }
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
