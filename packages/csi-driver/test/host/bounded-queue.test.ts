// The in-process queue in front of iscsiadm's node database: at most `limit` jobs run at once, they
// start in the order they were queued, a failure does not stop the queue, and only node-database
// writers queue (a login or a session listing runs beside them). Asserted by order and in-flight
// counts, never time.

import { BoundedQueue } from '@opencsp/csp-spec/bounded-queue';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/host/clock.js';
import { Iscsiadm } from '../../src/host/iscsiadm.js';
import { displayCommand, type Runner, type RunOptions, type RunResult } from '../../src/host/runner.js';

const clock: Clock = { now: () => 0, sleep: async () => {} };
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A Runner whose calls stay in flight until the test answers them. */
class HeldRunner implements Runner {
  readonly started: string[] = [];
  readonly timeouts: Array<number | null | undefined> = [];
  readonly pending: Array<{ display: string; answer: () => void }> = [];
  inFlight = 0;
  maxInFlight = 0;

  run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const display = displayCommand(cmd, args, options);
    this.started.push(display);
    this.timeouts.push(options.timeoutMs);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve) => {
      this.pending.push({
        display,
        answer: () => {
          this.inFlight--;
          resolve({ command: display, code: 0, signal: null, stdout: '', stderr: '', timedOut: false });
        },
      });
    });
  }

  /** Answers the oldest call in flight. */
  async answerOne(): Promise<void> {
    this.pending.shift()?.answer();
    await tick();
  }
}

describe('BoundedQueue', () => {
  it('runs jobs one at a time in the order they were queued, past a failing one', async () => {
    const queue = new BoundedQueue();
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const job =
      (name: string, fail = false) =>
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        order.push(`start ${name}`);
        await tick();
        order.push(`end ${name}`);
        running--;
        if (fail) {
          throw new Error(`${name} failed`);
        }
        return name;
      };
    const results = await Promise.allSettled([queue.run(job('a')), queue.run(job('b', true)), queue.run(job('c'))]);
    expect(maxRunning).toBe(1);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'a',
      'b failed',
      'c',
    ]);
    expect(queue.size).toBe(0);
  });
});

describe('BoundedQueue with a limit', () => {
  it('keeps at most `limit` jobs running and starts the others first come, first served', async () => {
    const queue = new BoundedQueue(2);
    const started: number[] = [];
    const finish: Array<() => void> = [];
    let running = 0;
    let maxRunning = 0;
    const jobs = [0, 1, 2, 3, 4].map((n) =>
      queue.run(async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        started.push(n);
        await new Promise<void>((resolve) => finish.push(resolve));
        running--;
        return n;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(queue.size).toBe(5);
    // Finish the newest running job first: the next queued job still starts in arrival order.
    finish.splice(1, 1)[0]?.();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    while (finish.length > 0) {
      finish.shift()?.();
      await tick();
    }
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(maxRunning).toBe(2);
    expect(queue.size).toBe(0);
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});

describe('Iscsiadm node-database queue', () => {
  it('lets at most nodeDbConcurrency record writes run at once (4 by default)', async () => {
    const runner = new HeldRunner();
    const adm = new Iscsiadm(runner, clock);
    const writes = [1, 2, 3, 4, 5, 6].map((n) => adm.createNode(`iqn.2000-01.com.example:w${n}`, '10.0.0.1:3260'));
    await tick();
    expect(runner.inFlight).toBe(4);
    while (runner.pending.length > 0) {
      await runner.answerOne();
    }
    await Promise.all(writes);
    expect(runner.maxInFlight).toBe(4);
    expect(runner.started).toHaveLength(6);
    // Writers get the long node-database timeout, never the 30 s of a listing.
    expect(new Set(runner.timeouts)).toEqual(new Set([120_000]));
  });

  const t = (n: number) => `iqn.2000-01.com.example:t${n}`;

  it('runs record writes one at a time, in call order, while logins and listings run beside them', async () => {
    const runner = new HeldRunner();
    const adm = new Iscsiadm(runner, clock, { nodeDbConcurrency: 1 });
    const writes = [1, 2, 3].flatMap((n) => [
      adm.createNode(t(n), '10.0.0.1:3260'),
      adm.configureNode(t(n), '10.0.0.1:3260', [{ name: 'node.startup', value: 'manual' }]),
    ]);
    const login = adm.login(t(9), '10.0.0.1:3260');
    const listing = adm.nodes();
    await tick();
    // One write, the login and the listing are in flight; five writes wait in the queue.
    expect(runner.inFlight).toBe(3);
    expect(adm.nodeDb.size).toBe(6);
    while (runner.pending.length > 0) {
      await runner.answerOne();
    }
    await Promise.all([...writes, login, listing]);
    const dbWrites = runner.started.filter((c) => c.includes(' -o '));
    expect(dbWrites).toEqual(
      [1, 2, 3].flatMap((n) => [
        `iscsiadm -m node -T ${t(n)} -p 10.0.0.1:3260 -o new`,
        `iscsiadm -m node -T ${t(n)} -p 10.0.0.1:3260 -o update -n node.startup -v manual`,
      ]),
    );
    expect(runner.maxInFlight).toBe(3);
  });

  it('sets every setting in one call and hides the secret values', async () => {
    const runner = new HeldRunner();
    const adm = new Iscsiadm(runner, clock);
    const done = adm.configureNode(t(1), '10.0.0.1:3260', [
      { name: 'node.session.auth.authmethod', value: 'CHAP' },
      { name: 'node.session.auth.username', value: 'user-1', secret: true },
      { name: 'node.session.auth.password', value: 's3cret-pass', secret: true },
    ]);
    await tick();
    await runner.answerOne();
    await done;
    expect(runner.started).toEqual([
      `iscsiadm -m node -T ${t(1)} -p 10.0.0.1:3260 -o update -n node.session.auth.authmethod -v CHAP -n node.session.auth.username -v <redacted> -n node.session.auth.password -v <redacted>`,
    ]);
  });
});
