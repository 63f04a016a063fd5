// A CSP as its own process (its bundle's `main.js`, launch/service-entry.ts), serving HTTPS with the test CA's certificate on
// 127.0.0.1, that a test can kill with SIGKILL in the middle of its work and start again on the
// same port: a crash, not a graceful restart, so array work in flight is cut off half-way.
import { NodeChild } from '../../src/bench/child.js';
import type { ServingFiles } from '../../src/common/index.js';
import { serviceScript } from '../../src/launch/service-entry.js';

export class CspProcess {
  readonly #program: 'csp-truenas' | 'csp-synology';
  readonly #args: string[];
  readonly #serving: ServingFiles;
  #child: NodeChild | undefined;
  #port = 0;
  /** Processes started so far (1 + restarts). */
  starts = 0;

  constructor(program: 'csp-truenas' | 'csp-synology', args: string[], serving: ServingFiles) {
    this.#program = program;
    this.#args = args;
    this.#serving = serving;
  }

  get port(): number {
    return this.#port;
  }

  async start(): Promise<void> {
    const child = new NodeChild(this.#program, serviceScript(this.#program), [
      ...['--host', '127.0.0.1', '--port', String(this.#port), '--log-level', 'info'],
      ...['--cert-file', this.#serving.certFile, '--key-file', this.#serving.keyFile],
      ...this.#args,
    ]);
    this.#child = child;
    this.starts += 1;
    const line = await child.waitForLine(/"CSP listening"/, 120_000).catch(async (err: unknown) => {
      await child.kill();
      throw err;
    });
    this.#port = Number(new URL((JSON.parse(line) as { address: string }).address).port);
  }

  /** SIGKILL now, then a new process on the same port. */
  async crashAndRestart(): Promise<void> {
    await this.#child?.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.#child?.stop(2000);
  }
}
