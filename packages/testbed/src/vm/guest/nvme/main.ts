#!/usr/bin/env node
// Guest entry of the NVMe/TCP scenario: `node nvme/main.js stage|expand|unstage|stats`, run by
// scenario-nvme.sh with the host's node binary. The volume comes from the E2E_* environment; parts
// of an operation print E2E-STEP markers; `stats` prints the volume condition; a failure leaves its
// reason (secrets redacted) in $E2E_REASON_FILE and exits 1.
import { writeFileSync } from 'node:fs';
import { redact } from '../exec.js';
import { describeError, NvmeServiceOps, nvmeSecrets, nvmeVolumeFromEnv, type Part } from './ops.js';

const OPERATIONS = ['stage', 'expand', 'unstage', 'stats'] as const;
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
    console.error(`usage: nvme/main.js ${OPERATIONS.join('|')}`);
    return 2;
  }
  let secrets: string[] = [];
  try {
    const volume = nvmeVolumeFromEnv(process.env);
    secrets = nvmeSecrets(volume);
    const ops = new NvmeServiceOps(part);
    if (operation === 'stats') {
      console.log(await ops.stats(volume));
    } else {
      await ops[operation](volume);
    }
    return 0;
  } catch (error) {
    const reason = redact(`${operation} (nvme): ${describeError(error)}`, secrets);
    console.error(reason);
    if (process.env.E2E_REASON_FILE) {
      writeFileSync(process.env.E2E_REASON_FILE, `${reason}\n`);
    }
    return 1;
  }
}

process.exitCode = await main();
