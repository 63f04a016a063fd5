// The CA bundle the driver trusts for HTTPS CSPs (--csp-ca-file). It is read once at start (a
// missing file or one without a certificate stops the driver with a clear error) and again for
// every new connection to a CSP, so a bundle the kubelet rotates in a mounted Secret takes effect
// without a restart. A later read that fails keeps the last good bundle.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';

const pemCertificate = /-----BEGIN CERTIFICATE-----/;

function problem(file: string, err: unknown): string {
  return `--csp-ca-file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
}

export async function caBundleReader(file: string, logger: Logger): Promise<() => string> {
  let current = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new Error(problem(file, err));
  });
  if (!pemCertificate.test(current)) {
    throw new Error(`--csp-ca-file: ${file} holds no PEM certificate`);
  }
  return () => {
    try {
      const text = readFileSync(file, 'utf8');
      if (pemCertificate.test(text)) {
        if (text !== current) {
          logger.info({ file }, 'using a new CSP CA bundle for new connections');
        }
        current = text;
      }
    } catch (err) {
      logger.warn({ problem: problem(file, err) }, 'keeping the last CSP CA bundle');
    }
    return current;
  };
}
