// DSM's name rules for LUNs, snapshots and targets, as measured on hardware (research/synology.md;
// jasoncheng7115/jt-pve-storage-synology docs/TESTING.md @9a96fa3): letters, digits, `.`, `:` and
// `-`, starting with a letter or digit. Up to 200 characters are accepted; 201 to 255 are refused
// with 18990068 although the object is created anyway; at 256 and more the refusal is 18990503
// (an illegal name) and nothing is created.
import { codes, DsmError } from './codes.js';

const legal = /^[A-Za-z0-9][A-Za-z0-9.:-]*$/;
export const maxNameLength = 200;
const hardLimit = 255;

export type NameVerdict = 'ok' | 'created-but-refused';

export function checkName(name: string): NameVerdict {
  if (!legal.test(name)) {
    throw new DsmError(codes.illegalName, 'illegal characters in name');
  }
  if (name.length > hardLimit) {
    throw new DsmError(codes.illegalName, 'name longer than 255 characters');
  }
  return name.length > maxNameLength ? 'created-but-refused' : 'ok';
}

const iqnPattern = /^iqn\.\d{4}-\d{2}\.[a-z0-9][a-z0-9.:-]*$/;

export function checkIqn(iqn: string): void {
  if (!iqnPattern.test(iqn) || iqn.length > 128) {
    throw new DsmError(codes.badParam, 'invalid IQN');
  }
}
