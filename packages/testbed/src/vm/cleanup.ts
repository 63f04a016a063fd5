// Undo actions for a run (kill QEMU or debootstrap, unmount, remove temp files), run in reverse
// order on success, failure or a signal, so Ctrl-C never leaves a VM or a half-built image behind.
import { exitOnStopSignals } from '../common/stop-signals.js';

type Task = { name: string; fn: () => Promise<void> | void };

export class Cleanup {
  private tasks: Task[] = [];
  /** Set once a signal asked the run to stop. */
  interrupted = false;
  private running: Promise<void> | undefined;

  constructor(private readonly warn: (line: string) => void) {}

  /** Registers an undo action; the returned function drops it once it is no longer needed. */
  add(name: string, fn: Task['fn']): () => void {
    const task = { name, fn };
    this.tasks.push(task);
    return () => {
      this.tasks = this.tasks.filter((t) => t !== task);
    };
  }

  /** Runs every registered action, newest first; a failing action is reported, not fatal. */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.tasks.length > 0) {
        const task = this.tasks.pop() as Task;
        try {
          await task.fn();
        } catch (error) {
          this.warn(`cleanup: ${task.name} failed: ${(error as Error).message}`);
        }
      }
      this.running = undefined;
    })();
    return this.running;
  }

  /** On SIGINT/SIGTERM/SIGHUP: run the actions (bounded), then exit 128+signal (common/stop-signals.ts). */
  exitOnSignals(): void {
    exitOnStopSignals({
      log: this.warn,
      cleanup: () => {
        this.interrupted = true;
        return this.runAll();
      },
    });
  }
}
