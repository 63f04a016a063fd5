// Middleware jobs (job.py): a `@job` method returns a job id (legacy_jobs) or blocks until the job
// ends; `core.get_jobs` lists jobs in the real entry shape and `core.job_wait` waits for one. Each
// job is announced on the `core.get_jobs` event: ADDED (WAITING), CHANGED (RUNNING), CHANGED (its
// final state); `message_ids` holds the id of the request that started it, which is how clients
// on new-style jobs (legacy_jobs off) learn the job id of a call that has not answered yet.
import { RpcError, rpcCodes, unexpectedException } from '../rpc/errors.js';
import type { EventHub, EventType } from '../state/events.js';

export type JobState = 'WAITING' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'ABORTED';

export interface JobEntry {
  id: number;
  message_ids: unknown[];
  method: string;
  arguments: unknown[];
  transient: boolean;
  description: string | null;
  abortable: boolean;
  logs_path: string | null;
  logs_excerpt: string | null;
  progress: { percent: number | null; description: string | null; extra: unknown };
  result: unknown;
  result_encoding_error: unknown;
  error: string | null;
  exception: string | null;
  exc_info: { repr: string | null; type: string | null; errno: number | null; extra: unknown } | null;
  state: JobState;
  time_started: { $date: number } | null;
  time_finished: { $date: number } | null;
  credentials: { type: string; data: Record<string, unknown> } | null;
}

interface Job {
  entry: JobEntry;
  done: Promise<void>;
  error: RpcError | undefined;
}

/** Finished jobs kept for `core.get_jobs` (middleware keeps a bounded history too). */
const historyLimit = 1000;

/** `exc_info` of a failed job: validation errors are `VALIDATION` with their field triples. */
function excInfo(rpc: RpcError): NonNullable<JobEntry['exc_info']> {
  const validation = rpc.code === rpcCodes.invalidParams;
  return {
    repr: rpc.data?.trace?.repr ?? rpc.message,
    type: validation ? 'VALIDATION' : (rpc.data?.trace?.class ?? 'Exception'),
    errno: validation ? null : (rpc.data?.error ?? null),
    extra: rpc.data?.extra ?? null,
  };
}

export class JobStore {
  readonly #jobs = new Map<number, Job>();
  readonly #events: EventHub;
  #nextId = 0;

  constructor(events: EventHub) {
    this.#events = events;
  }

  #announce(type: EventType, entry: JobEntry): void {
    this.#events.send('core.get_jobs', type, { id: entry.id, fields: entry });
  }

  /** Starts `work` as a job and returns it at once; `messageId` is the request that started it. */
  start(
    method: string,
    args: unknown[],
    username: string | undefined,
    messageId: unknown,
    work: () => Promise<unknown>,
  ): JobEntry {
    this.#nextId += 1;
    const entry: JobEntry = {
      id: this.#nextId,
      message_ids: messageId === undefined || messageId === null ? [] : [messageId],
      method,
      arguments: args,
      transient: false,
      description: null,
      abortable: false,
      logs_path: null,
      logs_excerpt: null,
      progress: { percent: 0, description: '', extra: null },
      result: null,
      result_encoding_error: null,
      error: null,
      exception: null,
      exc_info: null,
      state: 'WAITING',
      time_started: null,
      time_finished: null,
      credentials: username ? { type: 'LOGIN_PASSWORD', data: { username } } : null,
    };
    const job: Job = { entry, done: Promise.resolve(), error: undefined };
    this.#announce('ADDED', entry);
    job.done = (async () => {
      await Promise.resolve();
      entry.state = 'RUNNING';
      entry.time_started = { $date: Date.now() };
      this.#announce('CHANGED', entry);
      try {
        entry.result = await work();
        entry.state = 'SUCCESS';
        entry.progress = { percent: 100, description: '', extra: null };
      } catch (err) {
        const rpc = err instanceof RpcError ? err : unexpectedException(String(err));
        job.error = rpc;
        entry.state = 'FAILED';
        entry.error = rpc.data?.reason ?? rpc.message;
        entry.exception = rpc.data?.trace?.formatted ?? rpc.message;
        entry.exc_info = excInfo(rpc);
      } finally {
        entry.time_finished = { $date: Date.now() };
        this.#announce('CHANGED', entry);
      }
    })();
    this.#jobs.set(entry.id, job);
    this.#trim();
    return entry;
  }

  #trim(): void {
    for (const [id, job] of this.#jobs) {
      if (this.#jobs.size <= historyLimit) {
        return;
      }
      if (job.entry.state !== 'RUNNING') {
        this.#jobs.delete(id);
      }
    }
  }

  entries(): JobEntry[] {
    return [...this.#jobs.values()].map((job) => job.entry);
  }

  /** Waits for a job; resolves its result or rejects with its error. */
  async wait(id: number): Promise<unknown> {
    const job = this.#jobs.get(id);
    if (!job) {
      throw unexpectedException(`Job ${id} does not exist`);
    }
    await job.done;
    if (job.error) {
      throw job.error;
    }
    return job.entry.result;
  }
}
