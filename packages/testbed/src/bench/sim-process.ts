#!/usr/bin/env node
// A simulator in a process of its own, for benchmarks that run the driver and the CSP as
// processes too (so no two of them share an event loop):
//   node sim-process.js truenas|dsm <latency ms> <directory>
// It writes its TLS certificate to <directory>/ca.pem, prints one JSON line
// `{"msg":"simulator listening","address","username","password","ca"}` and runs until SIGTERM.
// The DSM simulator runs as in the other benchmarks (DS923+, DSM's own delays at 0 ms).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DsmSimulator, defaultAdmin } from '../dsm/simulator.js';
import { TrueNasSimulator } from '../truenas/simulator.js';
import { dsmKnobs } from './arrays/dsm.js';

async function start(kind: string, latencyMs: number, dir: string) {
  const ca = join(dir, 'ca.pem');
  if (kind === 'truenas') {
    const sim = await TrueNasSimulator.start({ tls: true, datasets: ['tank/k8s'], faults: { latencyMs } });
    await writeFile(ca, sim.tls?.cert ?? '');
    return {
      info: { address: sim.address, username: sim.username, password: sim.password, ca },
      stop: () => sim.stop(),
    };
  }
  if (kind === 'dsm') {
    const sim = await DsmSimulator.start({
      model: 'DS923+',
      tls: true,
      knobs: dsmKnobs,
      limits: { maxLuns: 16_384, maxTargets: 1024 },
      faults: { latencyMs },
    });
    await writeFile(ca, sim.certificate ?? '');
    return { info: { address: sim.url, ...defaultAdmin, ca }, stop: () => sim.close() };
  }
  throw new Error(`unknown simulator ${kind}: truenas or dsm`);
}

const [kind = '', latency = '0', dir = ''] = process.argv.slice(2);
const { info, stop } = await start(kind, Number(latency), dir);
console.log(JSON.stringify({ msg: 'simulator listening', ...info }));
const exit = () => {
  stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', exit);
process.once('SIGINT', exit);
process.on('disconnect', exit);
