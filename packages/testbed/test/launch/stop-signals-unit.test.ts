// common/stop-signals.ts in a process of its own (signals to the test process would reach vitest):
// a cleanup that never ends is cut at the bound, and a second signal exits at once, each with
// 128+signal and a notice saying what may be left.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signalExitCode } from '../../src/common/stop-signals.js';

const moduleUrl = new URL('../../dist/common/stop-signals.js', import.meta.url).href;

/** A process whose cleanup never finishes; `signals` are sent one after another, each once the previous one's notice is out. */
function stuckRunner(env: Record<string, string>, signals: NodeJS.Signals[]) {
  const script = `
    import { exitOnStopSignals } from ${JSON.stringify(moduleUrl)};
    exitOnStopSignals({ cleanup: () => new Promise(() => console.log('cleanup started')) });
    setInterval(() => {}, 1000);
    console.log('ready');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    cwd: fileURLToPath(new URL('.', import.meta.url)),
  });
  let output = '';
  const queue = [...signals];
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const sent = signals.length - queue.length;
    const wanted = sent === 0 ? 'ready' : 'cleanup started';
    if (queue.length > 0 && output.includes(wanted)) {
      child.kill(queue.shift());
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, output })),
  );
}

describe('exitOnStopSignals', () => {
  it('exit codes are 128+signal', () => {
    expect([signalExitCode('SIGHUP'), signalExitCode('SIGINT'), signalExitCode('SIGTERM')]).toEqual([129, 130, 143]);
  });

  it('a cleanup longer than the bound is cut, and the runner exits 128+signal', async () => {
    const { code, output } = await stuckRunner({ OPENCSP_STOP_BOUND_SECONDS: '0.3' }, ['SIGHUP']);
    expect(code).toBe(129);
    expect(output).toContain('SIGHUP: the cleanup took longer than 1 s; exiting with it unfinished');
  });

  it('a second signal exits at once, with the second signal’s code', async () => {
    const { code, output } = await stuckRunner({ OPENCSP_STOP_BOUND_SECONDS: '600' }, ['SIGTERM', 'SIGINT']);
    expect(code).toBe(130);
    expect(output).toContain('SIGTERM: stopping what this run started');
    expect(output).toContain('SIGINT again: exiting now');
  });
});
