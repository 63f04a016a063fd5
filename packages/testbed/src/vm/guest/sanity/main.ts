#!/usr/bin/env node
// Guest entry of the VM sanity run: `node main.js mount|block`, called by vm/guest/sanity.sh with
// the host's node binary. It is `pnpm sanity`'s run (csi-sanity/run.ts: simulator and CSP, the
// driver's controller and node as separate processes from their command lines, the secrets and
// parameters files, csi-sanity, the report, the array's leak audit), with three differences:
// the simulator serves its iSCSI configuration with the guest kernel's LIO target on two
// loopback portals (--lio-target), the node is the production driver with its real iSCSI
// transport (iscsiadm with CHAP, multipath required), and only the Node Service specs run (the
// host run covers the rest). Settings come from the runner's environment: E2E_SANITY_DIR (a
// fresh directory per access type), E2E_OUT (where the report and logs go), E2E_CHAP.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessType } from '../../../csi-sanity/matrix.js';
import { type NodeStarter, nodeName, runCombination } from '../../../csi-sanity/run.js';
import { Program } from '../../../launch/program.js';
import { serviceScript } from '../../../launch/service-entry.js';

/** What the VM run selects from csi-sanity: the node service, with the controller calls it makes. */
export const VM_SANITY_FOCUS = 'Node Service';
/** Portals of the simulator's iSCSI portal group: two paths to every LUN, for multipath. */
export const VM_PORTAL_IPS = '127.0.0.1,127.0.0.2';
/** Under TCG a program's first start reads its modules over 9p: minutes on a busy host. */
const READY_MS = 600_000;

/** The production driver as the node plugin: real iSCSI, multipath required, root on the guest. */
export const iscsiNode: NodeStarter = (dir, array, maxVolumes) =>
  new Program({
    name: 'csi-driver (node)',
    script: serviceScript('csi-driver'),
    args: [
      // The node name the run's leftovers check deregisters from the array (as the loop node's).
      ...['--mode', 'node', '--endpoint', `unix://${join(dir, 'node.sock')}`, '--node-name', nodeName(array)],
      ...['--state-dir', join(dir, 'node-state'), '--host-mode', 'direct', '--multipath', 'required'],
      ...['--max-volumes-per-node', String(maxVolumes), '--log-level', 'debug'],
    ],
    logFile: join(dir, 'node.log'),
  });

/** The node's CHAP credentials for the StorageClass secret (random per run, never printed). */
export function chapSecrets(mode: string | undefined): Record<string, string> {
  const secret = () => randomBytes(9).toString('base64url');
  const chap: Record<string, string> = { chapUser: 'vm-sanity-node', chapPassword: secret() };
  if (mode === 'mutual') {
    chap.chapMutualUser = 'vm-sanity-array';
    chap.chapMutualPassword = secret();
  }
  return chap;
}

function need(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}

async function main(): Promise<number> {
  const access = process.argv[2];
  if (access !== 'mount' && access !== 'block') {
    console.error('usage: main.js mount|block');
    return 2;
  }
  try {
    const result = await runCombination({
      combination: { backend: 'truenas', access: access as AccessType },
      binary: '/opt/hostnode/csi-sanity',
      dir: need('E2E_SANITY_DIR'),
      reportDir: need('E2E_OUT'),
      maxVolumesPerNode: 4,
      focus: VM_SANITY_FOCUS,
      log: (line) => console.log(`e2e: ${line}`),
      startNode: iscsiNode,
      array: { simulatorArgs: ['--lio-target', 'true', '--portal-ip', VM_PORTAL_IPS], readyTimeoutMs: READY_MS },
      extraSecrets: chapSecrets(process.env.E2E_CHAP),
      readyTimeoutMs: READY_MS,
    });
    const failed = result.cases.filter((c) => c.outcome === 'failed');
    const count = (outcome: string) => result.cases.filter((c) => c.outcome === outcome).length;
    console.log(
      `e2e: csi-sanity ${access}: ${count('passed')} passed, ${failed.length} failed, ${count('skipped')} skipped`,
    );
    for (const c of failed) {
      console.log(`e2e:   FAIL ${c.name}: ${c.message ?? ''}`);
    }
    if (failed.length > 0) {
      throw new Error(`${failed.length} failed: ${failed.map((c) => c.name).join('; ')}`);
    }
    return 0;
  } catch (error) {
    const reason = `csi-sanity ${access}: ${(error as Error).message}`.slice(0, 400);
    console.error(reason);
    if (process.env.E2E_REASON_FILE) {
      writeFileSync(process.env.E2E_REASON_FILE, `${reason}\n`);
    }
    return 1;
  }
}

process.exitCode = await main();
