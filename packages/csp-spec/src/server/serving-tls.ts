// The CSP's own TLS: certificate and key read from files (a mounted Kubernetes Secret, a
// cert-manager Secret, files an operator rotates), and swapped into the running server when the
// files change, without a restart and without dropping connections. Changes are noticed through a
// watch on the files' directories (Kubernetes updates a Secret volume by replacing a symlink) and
// a periodic re-read as a fallback. A pair that does not load (a key that does not match its
// certificate, a file written half-way) is refused and the previous pair keeps serving. The key
// never reaches a log line or an error message.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext, type Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';

export interface ServingTls {
  /** PEM certificate (chain) the CSP presents. */
  certFile: string;
  /** PEM private key of that certificate. */
  keyFile: string;
  /** How often the files are re-read even without a change event (default 60 s). */
  reloadIntervalMs?: number;
}

export interface CertificatePair {
  cert: string;
  key: string;
}

/** Why a file could not be read, without its content. */
function readProblem(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return `cannot read ${file}${code ? ` (${code})` : ''}`;
}

/** Reads both files and checks that they form a usable pair; the error names the file at fault. */
export async function readCertificatePair(files: ServingTls): Promise<CertificatePair> {
  const [cert, key] = await Promise.all([
    readFile(files.certFile, 'utf8').catch((err: unknown) => {
      throw new Error(readProblem(files.certFile, err));
    }),
    readFile(files.keyFile, 'utf8').catch((err: unknown) => {
      throw new Error(readProblem(files.keyFile, err));
    }),
  ]);
  const unusable = (why: string) =>
    new Error(`${files.certFile} and ${files.keyFile} are not a usable certificate and key: ${why}`);
  let leaf: X509Certificate;
  try {
    // The first certificate of the file is the CSP's own (a chain may follow it).
    leaf = new X509Certificate(cert);
  } catch {
    throw unusable(`${files.certFile} holds no PEM certificate`);
  }
  try {
    if (!leaf.checkPrivateKey(createPrivateKey(key))) {
      throw unusable('the key does not belong to the certificate');
    }
    createSecureContext({ cert, key });
  } catch (err) {
    // Node's and OpenSSL's messages ("key values mismatch", "no start line") name no secret.
    throw err instanceof Error && err.message.startsWith(files.certFile) ? err : unusable((err as Error).message);
  }
  return { cert, key };
}

export class CertificateReloader {
  readonly #files: ServingTls;
  readonly #logger: Logger;
  #pair: CertificatePair;
  #server: TlsServer | undefined;
  #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<boolean> | undefined;
  #again = false;
  /** Pairs swapped in since start (for tests and logs). */
  reloads = 0;

  private constructor(files: ServingTls, pair: CertificatePair, logger: Logger) {
    this.#files = files;
    this.#pair = pair;
    this.#logger = logger;
  }

  /** Loads the first pair; fails (the CSP does not start) when it cannot be used. */
  static async load(files: ServingTls, logger: Logger): Promise<CertificateReloader> {
    return new CertificateReloader(files, await readCertificatePair(files), logger);
  }

  get pair(): CertificatePair {
    return this.#pair;
  }

  /** Starts following the files for a running server. */
  attach(server: TlsServer): void {
    this.#server = server;
    for (const dir of new Set([dirname(this.#files.certFile), dirname(this.#files.keyFile)])) {
      try {
        const watcher = watch(dir, { persistent: false }, () => void this.reload());
        watcher.on('error', () => undefined);
        this.#watchers.push(watcher);
      } catch (err) {
        this.#logger.warn({ dir, code: (err as NodeJS.ErrnoException).code }, 'cannot watch the TLS directory');
      }
    }
    this.#timer = setInterval(() => void this.reload(), this.#files.reloadIntervalMs ?? 60_000);
    this.#timer.unref();
  }

  /** Re-reads the files; swaps the pair in when it changed and loads. Returns whether it swapped. */
  reload(): Promise<boolean> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#reloadOnce().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        void this.reload();
      }
    });
    return this.#running;
  }

  async #reloadOnce(): Promise<boolean> {
    let pair: CertificatePair;
    try {
      pair = await readCertificatePair(this.#files);
    } catch (err) {
      this.#logger.warn({ problem: (err as Error).message }, 'new TLS files not usable (yet); still serving the old');
      return false;
    }
    if (pair.cert === this.#pair.cert && pair.key === this.#pair.key) {
      return false;
    }
    this.#server?.setSecureContext(pair);
    this.#pair = pair;
    this.reloads++;
    this.#logger.info({ certFile: this.#files.certFile }, 'serving a new TLS certificate');
    return true;
  }

  close(): void {
    clearInterval(this.#timer);
    for (const watcher of this.#watchers.splice(0)) {
      watcher.close();
    }
  }
}
