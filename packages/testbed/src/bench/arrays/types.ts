// A CSP in front of a simulated array, as the benchmarks see it: where it listens, how to log in,
// the StorageClass secret the driver uses, counters of array calls and CSP requests, the latency
// knob, bulk seeding and the leak audit.

export type ArrayKind = 'truenas' | 'dsm' | 'memory';

export interface ArrayStack {
  kind: ArrayKind;
  label: string;
  /** CSP base URL including /containers/v1 (HTTPS). */
  baseUrl: string;
  /** The CA (PEM) that signed the CSP's certificate. */
  ca: string;
  credentials: { username: string; password: string };
  /** StorageClass secret data for the driver (service mode: serviceName/servicePort). */
  secrets: Record<string, string>;
  /** Array API calls received so far; undefined for the memory provider (no array). */
  arrayCalls: (() => number) | undefined;
  /**
   * Rows the array had to read to answer queries so far, per kind (empty for the memory
   * provider). A lookup by name or id that reads a whole collection shows up here.
   */
  rowCounters: RowCounter[];
  /**
   * Rows the array sent back in answers so far (list elements, objects a lookup answered), and
   * rows it had to read to answer the CSP's queries (opened datasets and snapshots, iSCSI table
   * rows; for DSM the listed rows). Zero for the memory provider. `internal`: rows the array read
   * inside its own creates, updates and deletes, out of the CSP's hands (TrueNAS's iSCSI checks).
   */
  rows: { returned(): number; read(): number; internal?(): number };
  /** CSP contract requests served so far (login included). */
  cspRequests(): number;
  /** Adds this much latency to every array call (0 turns it off). */
  setLatency(ms: number): void;
  /**
   * Bulk-creates `count` volumes owned by this CSP (as left by an earlier cluster), not counted
   * as leaks; with `snapshots`, each also gets one snapshot of the CSP's.
   */
  seed(count: number, options?: SeedOptions): Promise<void>;
  /** Objects the benchmark created that still exist on the array (the simulator's leak audit). */
  leftovers(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface SeedOptions {
  /** One CSP-owned snapshot per seeded volume (default false). */
  snapshots?: boolean;
}

export interface RowCounter {
  /** Column key in tables (per-operation delta). */
  key: string;
  label: string;
  read: () => number;
}

export interface ArrayOptions {
  latencyMs?: number;
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
