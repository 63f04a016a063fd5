// The driver's command line (main.ts loads it after the process settings): parses options and
// runs the driver (run.ts).
import { helpText, OptionsError } from '@opencsp/csp-spec/options';
import { driverOptionTable, parseDriverOptions } from './options.js';
import { runDriver } from './run.js';

export async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseDriverOptions>;
  try {
    parsed = parseDriverOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof OptionsError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.help) {
    console.log(helpText('opencsp-csi-driver', driverOptionTable));
    return;
  }
  await runDriver(parsed.values);
}
