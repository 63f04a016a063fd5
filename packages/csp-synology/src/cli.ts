// csp-synology command line (main.ts loads it): the Synology DSM Container Storage Provider.
// `csp-synology --help` lists every setting; `csp-synology enroll-device` registers a
// 2-step-verification device token.
import { readFileSync } from 'node:fs';
import { helpText, OptionsError, parseOptions } from '@opencsp/csp-spec/options';
import { createLogger, serveCsp } from '@opencsp/csp-spec/server';
import { buildSynologyCsp } from './app.js';
import { enrollDevice } from './enroll.js';
import { optionTable } from './options.js';

async function enroll(argv: string[]): Promise<void> {
  const { values, help } = parseOptions(optionTable, argv);
  if (help) {
    console.log(
      'usage: SYNOLOGY_PASSWORD=... SYNOLOGY_OTP=123456 csp-synology enroll-device --dsm-url https://nas:5001 [--dsm-ca-file ca.pem]\n' +
        'Username from SYNOLOGY_USERNAME. Prints the device token for SYNOLOGY_DEVICE_ID.',
    );
    return;
  }
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) {
      throw new OptionsError([`${name} is required for enroll-device`]);
    }
    return value;
  };
  if (!values.dsmUrl) {
    throw new OptionsError(['--dsm-url (or SYNOLOGY_URL) is required for enroll-device']);
  }
  const did = await enrollDevice({
    url: values.dsmUrl,
    username: env('SYNOLOGY_USERNAME'),
    password: env('SYNOLOGY_PASSWORD'),
    otp: env('SYNOLOGY_OTP'),
    deviceName: process.env.SYNOLOGY_DEVICE_NAME ?? 'opencsp',
    ca: values.caFile ? readFileSync(values.caFile, 'utf8') : undefined,
  });
  console.log(did);
}

export async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === 'enroll-device') {
    await enroll(argv.slice(1));
    return;
  }
  const { values, help } = parseOptions(optionTable, argv);
  if (help) {
    console.log(helpText('csp-synology', optionTable));
    return;
  }
  const logger = createLogger('csp-synology', values.logLevel);
  const csp = await buildSynologyCsp(values, logger);
  await serveCsp(csp, { host: values.host, port: values.port, logger });
}

/** How a failed start is reported: option problems as such, anything else with its message. */
export function failed(err: unknown): never {
  console.error(err instanceof OptionsError ? err.message : `csp-synology: ${(err as Error).message}`);
  process.exit(2);
}
