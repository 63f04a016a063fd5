// csp-truenas command line (main.ts loads it): the TrueNAS Container Storage Provider service.
//   TRUENAS_ARRAY=nas.example:443 TRUENAS_PARENT_DATASETS=tank/k8s csp-truenas --port 8080
import { helpText, OptionsError } from '@opencsp/csp-spec/options';
import { createLogger, serveCsp } from '@opencsp/csp-spec/server';
import { buildTrueNasCsp } from './app.js';
import { loadConfig, optionTable } from './options.js';

export async function main(): Promise<void> {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof OptionsError ? err.message : String(err));
    process.exitCode = 2;
    return;
  }
  if (loaded.help) {
    console.log(helpText('csp-truenas', optionTable));
    return;
  }
  const { config } = loaded;
  const logger = createLogger('csp-truenas', config.logLevel);
  if (config.serving.plainHttp) {
    logger.warn('serving plain HTTP (CSP_PLAIN_HTTP): array credentials from the driver cross the network in clear');
  }
  if (config.plaintextArrays.length > 0) {
    logger.warn(
      { arrays: config.plaintextArrays },
      'plain ws:// to these arrays (TRUENAS_PLAINTEXT_ARRAYS): passwords travel unencrypted and API keys are refused',
    );
  }
  const csp = await buildTrueNasCsp(config, logger);
  await serveCsp(csp, { host: config.host, port: config.port, logger });
}
