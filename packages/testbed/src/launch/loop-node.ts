#!/usr/bin/env node
import { runDriver } from '@opencsp/csi-driver';
import { parseNvmeSpec } from '@opencsp/csi-driver/node';
// opencsp-loop-node: the CSI driver exactly as `packages/csi-driver/dist/main.js` runs it (same
// flags, same program), with one part swapped: the node attaches published LUNs through the
// testbed's loop transport instead of an iSCSI login, for machines whose kernel has no initiator.
// The array simulator (truenas-sim or dsm-sim, another process) says through its node API which
// sparse file holds a published LUN and checks the "login" against the array's ACL and CHAP;
// losetup then makes the file a block device and everything after that (mkfs, mount, bind, raw
// block, grow, stats, teardown) is the production node code on the real host.
//
//   node packages/testbed/dist/launch/loop-node.js --mode node --endpoint unix:///tmp/node.sock \
//     --node-name worker-1 --state-dir /tmp/node-state --host-mode direct \
//     --loop-array https://127.0.0.1:5001 --loop-array-ca-file /tmp/dsm-sim.crt \
//     --loop-initiator-name iqn.2024-01.io.opencsp:worker-1
//
// In controller and all modes the controller half is the production one; only the node differs.
// It needs root, Linux loop devices and the filesystem tools (as the node suites do).
// With --loop-host-nqn it serves accessProtocol nvmetcp the same way: the simulator's NVMe node
// API resolves the namespace (by NQN + NSID, checked against the NGUID) and plays `nvme connect`
// against the subsystem's host links; --nvme is then on with that NQN, else off (the host's own
// /etc/nvme/hostnqn never enters the node id of a loop node).
import { helpText, OptionsError } from '@opencsp/csp-spec/options';
import { LoopTransport, remoteNodeSide } from '../loop/index.js';
import { initiatorNamesOf, launcherOptionTable, parseLauncherOptions, simulatorCa } from './loop-node-options.js';

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseLauncherOptions>;
  try {
    parsed = parseLauncherOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof OptionsError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(`${helpText('opencsp-loop-node', launcherOptionTable)}\n`);
    return;
  }
  const options = parsed.values;
  if (options.mode === 'controller') {
    await runDriver(options);
    return;
  }
  const initiatorNames = await initiatorNamesOf(options);
  const ca = await simulatorCa(options);
  const array = remoteNodeSide({ url: options.loopArray, ...(ca ? { ca } : {}) });
  const initiator = initiatorNames[0] as string;
  const hostnqn = options.loopHostNqn;
  const nvme = hostnqn
    ? remoteNodeSide({ url: options.loopArray, protocol: 'nvmetcp', ...(ca ? { ca } : {}) })
    : undefined;
  await runDriver(
    { ...options, nvme: nvme ? 'on' : 'off' },
    {
      transports: ({ runner, files }) => [
        new LoopTransport({ runner, files, resolve: array.resolve, sessions: array.sessions(initiator) }),
        ...(nvme && hostnqn
          ? [
              new LoopTransport({
                runner,
                files,
                name: 'nvmetcp',
                resolve: nvme.resolve,
                sessions: nvme.sessions(hostnqn),
                validate: parseNvmeSpec,
              }),
            ]
          : []),
      ],
      initiatorNames,
      ...(hostnqn ? { nvmeHost: { hostnqn } } : {}),
      readiness: { iscsi: false, multipath: 'off', nvme: false },
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`opencsp-loop-node: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
