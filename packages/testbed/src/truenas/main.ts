#!/usr/bin/env node
// truenas-sim: run the TrueNAS simulator on its own.
//   truenas-sim --port 8443 --tls --username admin --password secret-pass --dataset tank/k8s
// Prints one JSON line when listening: the API URL, the version, and with --tls the file holding
// its self-signed certificate (for a CSP's --tls-ca-file).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { helpText, OptionsError } from '@opencsp/csp-spec/options';
import { simOptionTable, startFromArgs } from './cli.js';

async function main(): Promise<void> {
  let started: Awaited<ReturnType<typeof startFromArgs>>;
  try {
    started = await startFromArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof OptionsError ? err.message : String(err));
    process.exitCode = 2;
    return;
  }
  const { sim } = started;
  if (!sim) {
    console.log(helpText('truenas-sim', simOptionTable));
    return;
  }
  let certificate: string | undefined;
  if (sim.tls) {
    certificate = join(sim.core.config.dataDir, 'truenas-sim.crt');
    await writeFile(certificate, sim.tls.cert);
  }
  console.log(
    JSON.stringify({ msg: 'truenas-sim listening', url: sim.url(), version: sim.core.config.version, certificate }),
  );
  const stop = () => {
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
