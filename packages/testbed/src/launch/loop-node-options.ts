// Options of the loop-node launcher: every option of the driver (same flags, same environment
// variables, same defaults) plus the few that say which array simulator stands behind the loop
// transport.
import { readFile } from 'node:fs/promises';
import { driverOptionTable } from '@opencsp/csi-driver';
import { RootedHostFiles, readInitiatorNames } from '@opencsp/csi-driver/node';
import { type OptionValues, parseOptions, parsers } from '@opencsp/csp-spec/options';

const simulatorUrl = (raw: string): string => {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error('must be an http:// or https:// URL');
  }
  return url.origin;
};

export const loopOptionTable = {
  loopArray: {
    flag: 'loop-array',
    env: 'OPENCSP_LOOP_ARRAY',
    description:
      'URL of the array simulator (truenas-sim or dsm-sim) whose node API resolves published LUNs to their backing files and plays the iSCSI login, e.g. https://127.0.0.1:5001',
    parse: simulatorUrl,
    required: true,
  },
  loopArrayCaFile: {
    flag: 'loop-array-ca-file',
    env: 'OPENCSP_LOOP_ARRAY_CA_FILE',
    description: "PEM file of the simulator's self-signed certificate (the `certificate` its start line names)",
    parse: parsers.string,
  },
  loopInitiatorNames: {
    flag: 'loop-initiator-name',
    env: 'OPENCSP_LOOP_INITIATOR_NAME',
    description:
      'initiator name(s) of this node, comma-separated (default: read /etc/iscsi/initiatorname.iscsi, as the driver does)',
    parse: parsers.list,
  },
  loopHostNqn: {
    flag: 'loop-host-nqn',
    env: 'OPENCSP_LOOP_HOST_NQN',
    description:
      "this node's NVMe host NQN: serve accessProtocol nvmetcp through the simulator's NVMe node API (a loop device stands in for nvme connect); without it the node serves iSCSI only",
    parse: (raw: string) => {
      if (!/^nqn\.\d{4}-\d{2}\.[^\s]+$/.test(raw)) {
        throw new Error('must be an NVMe qualified name (nqn.YYYY-MM....)');
      }
      return raw;
    },
  },
};

export const launcherOptionTable = { ...driverOptionTable, ...loopOptionTable };

export type LauncherOptions = OptionValues<typeof launcherOptionTable>;

export function parseLauncherOptions(argv: readonly string[], env: Record<string, string | undefined> = process.env) {
  return parseOptions(launcherOptionTable, argv, env);
}

/** The initiator names the node id carries: the flag's, else the host's (as the driver reads them). */
export async function initiatorNamesOf(options: LauncherOptions): Promise<string[]> {
  if (options.loopInitiatorNames && options.loopInitiatorNames.length > 0) {
    return options.loopInitiatorNames;
  }
  const root = options.hostMode === 'direct' ? '/' : options.hostRoot;
  return readInitiatorNames(new RootedHostFiles(root));
}

export async function simulatorCa(options: LauncherOptions): Promise<string | undefined> {
  return options.loopArrayCaFile ? readFile(options.loopArrayCaFile, 'utf8') : undefined;
}
