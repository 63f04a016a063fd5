#!/usr/bin/env node
// `pnpm demo`: the whole opencsp stack on a simulated TrueNAS, told step by step (run.ts).
// Exit 0 when every step passed, 1 with the failing step's message, 2 on a usage error, 128+signal
// after Ctrl-C (130), SIGTERM (143) or SIGHUP (129): the first stops the story and still cleans up
// (servers, mounts, loop devices, temp dirs), a second quits at once; with --keep, Ctrl-C or Enter
// at the pause goes on to the tear down.
import { exitOnStopSignals, type StopSignal, signalExitCode } from '../common/stop-signals.js';
import { parseDemoArgs, USAGE, UsageError } from './options.js';
import { runDemo } from './run.js';

/** Resolves at Enter (or end of input) on stdin, or at `interrupt()`. */
function pauseControl() {
  let release: (() => void) | undefined;
  return {
    wait: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          process.stdin.off('data', done).off('end', done);
          process.stdin.pause();
          release = undefined;
          resolve();
        };
        release = done;
        process.stdin.on('data', done).on('end', done).resume();
      }),
    /** True when a pause was waiting (and is now released). */
    interrupt(): boolean {
      if (!release) {
        return false;
      }
      release();
      return true;
    },
  };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseDemoArgs>;
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  // A reader that goes away (`pnpm demo | head`) must not kill the run before it cleans up.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') {
      throw err;
    }
  });
  const abort = new AbortController();
  const pause = pauseControl();
  let stoppedBy: StopSignal | undefined;
  let running: Promise<unknown> = Promise.resolve();
  // Ctrl-C at the --keep pause goes on to the tear down; otherwise the first signal stops the story
  // and cleans up, a second quits at once (common/stop-signals.ts).
  exitOnStopSignals({
    log: (line) => console.error(line),
    intercept: () => pause.interrupt(),
    cleanup: async (signal) => {
      stoppedBy = signal;
      abort.abort();
      await running;
    },
  });
  const demo = runDemo(options, {
    write: (line) => console.log(line),
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
    signal: abort.signal,
    waitToContinue: pause.wait,
  });
  running = demo;
  const result = await demo;
  if (stoppedBy) {
    return signalExitCode(stoppedBy);
  }
  return result.ok ? 0 : 1;
}

const code = await main();
process.exitCode = code;
if (code > 128) {
  // Retries and timers of a step abandoned at Ctrl-C must not hold the process once it is clean.
  process.exit(code);
}
