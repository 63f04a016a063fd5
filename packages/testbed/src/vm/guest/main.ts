#!/usr/bin/env node
// Guest entry for E2E_OPS=js: `node main.js stage|expand|unstage`, run by the guest's scenario
// with the host's node binary. E2E_JS_OPS=service uses the driver's NodeService (the CSI node
// plugin's own code); otherwise the reference ToolOps drive the tools directly. The volume comes from the E2E_* environment; parts of an operation
// print E2E-STEP markers; a failure leaves its reason in $E2E_REASON_FILE and exits 1.
import { writeFileSync } from 'node:fs';
import { redact } from './exec.js';
import { type NodeOps, type Part, ToolOps } from './ops.js';
import { ServiceOps } from './service-ops.js';
import { volumeFromEnv, volumeSecrets } from './volume.js';

const OPERATIONS = ['stage', 'expand', 'unstage'] as const;
type Operation = (typeof OPERATIONS)[number];

const part: Part = async (name, fn) => {
  const started = performance.now();
  const value = await fn();
  console.log(`E2E-STEP ${name} ${((performance.now() - started) / 1000).toFixed(2)} ok`);
  return value;
};

async function main(): Promise<number> {
  const operation = process.argv[2] as Operation;
  if (!OPERATIONS.includes(operation)) {
    console.error(`usage: main.js ${OPERATIONS.join('|')}`);
    return 2;
  }
  let secrets: string[] = [];
  try {
    const volume = volumeFromEnv(process.env);
    secrets = volumeSecrets(volume);
    const ops: NodeOps = process.env.E2E_JS_OPS === 'service' ? new ServiceOps(part) : new ToolOps(part);
    await ops[operation](volume);
    return 0;
  } catch (error) {
    const reason = redact(`${operation} (js): ${(error as Error).message}`, secrets);
    console.error(reason);
    if (process.env.E2E_REASON_FILE) {
      writeFileSync(process.env.E2E_REASON_FILE, `${reason}\n`);
    }
    return 1;
  }
}

process.exitCode = await main();
