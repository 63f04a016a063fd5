// How a CSP process serves: HTTPS with a certificate and key from files (the default, required),
// or plain HTTP only when the operator says so explicitly. Every CSP's option table includes
// these; `servingFromOptions` turns them into the kit's `tls` setting or lists what is wrong.
import { type OptionSpec, OptionsError, parsers } from '../options.js';
import type { ServingTls } from './serving-tls.js';

const opt = <T>(spec: OptionSpec<T>): OptionSpec<T> => spec;

export const servingOptionTable = {
  certFile: opt({
    flag: 'cert-file',
    env: 'CSP_TLS_CERT_FILE',
    description: 'PEM certificate the CSP serves HTTPS with (re-read when it changes)',
    parse: parsers.string,
  }),
  keyFile: opt({
    flag: 'key-file',
    env: 'CSP_TLS_KEY_FILE',
    description: 'PEM private key of --cert-file (re-read when it changes)',
    parse: parsers.string,
  }),
  plainHttp: opt({
    flag: 'plain-http',
    env: 'CSP_PLAIN_HTTP',
    description:
      'Serve plain HTTP instead of HTTPS: array credentials then cross the network in clear (only where nothing else can reach the CSP)',
    parse: parsers.bool,
    default: false,
  }),
  tlsReloadInterval: opt({
    flag: 'cert-reload-interval',
    env: 'CSP_TLS_RELOAD_INTERVAL',
    description: 'Re-read --cert-file and --key-file this often, besides on change events',
    parse: parsers.duration,
    default: 60_000,
  }),
};

export interface ServingValues {
  certFile?: string | undefined;
  keyFile?: string | undefined;
  plainHttp: boolean;
  tlsReloadInterval?: number | undefined;
}

export type Serving = { tls: ServingTls; plainHttp: false } | { tls: undefined; plainHttp: true };

/** The problems of a serving configuration (empty when it is usable). */
export function servingProblems(values: ServingValues): string[] {
  const hasCert = Boolean(values.certFile);
  const hasKey = Boolean(values.keyFile);
  if (hasCert !== hasKey) {
    return [
      hasCert
        ? '--key-file (or CSP_TLS_KEY_FILE) is required with --cert-file'
        : '--cert-file (or CSP_TLS_CERT_FILE) is required with --key-file',
    ];
  }
  if (hasCert && values.plainHttp) {
    return ['--plain-http contradicts --cert-file/--key-file; choose HTTPS or plain HTTP'];
  }
  if (!hasCert && !values.plainHttp) {
    return [
      '--cert-file and --key-file (or CSP_TLS_CERT_FILE and CSP_TLS_KEY_FILE) are required: the driver sends array ' +
        'credentials to the CSP, so it serves HTTPS; set --plain-http (CSP_PLAIN_HTTP=true) to serve plain HTTP on purpose',
    ];
  }
  return [];
}

/** HTTPS files or explicit plain HTTP; throws OptionsError naming the settings otherwise. */
export function servingFromOptions(values: ServingValues): Serving {
  const problems = servingProblems(values);
  if (problems.length > 0) {
    throw new OptionsError(problems);
  }
  if (values.certFile && values.keyFile) {
    return {
      tls: {
        certFile: values.certFile,
        keyFile: values.keyFile,
        ...(values.tlsReloadInterval ? { reloadIntervalMs: values.tlsReloadInterval } : {}),
      },
      plainHttp: false,
    };
  }
  return { tls: undefined, plainHttp: true };
}
