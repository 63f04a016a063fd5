// Latency and fault injection for simulators. Knobs can change at run time (tests flip them
// mid-scenario); randomness is seeded so a failing run can be replayed.

export type Fault = 'error' | 'drop' | 'busy';

export interface FaultSettings {
  /** Added before every answer. */
  latencyMs: number;
  /** Probability (0..1) that a call fails with the platform's generic server error. */
  errorRate: number;
  /** Probability that the connection is dropped instead of answering. */
  dropRate: number;
  /** Probability that the platform answers "busy, try again". */
  busyRate: number;
  /** Only calls whose method name matches are affected (undefined: every call). */
  methods: RegExp | undefined;
}

export const noFaults: FaultSettings = { latencyMs: 0, errorRate: 0, dropRate: 0, busyRate: 0, methods: undefined };

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  settings: FaultSettings;
  readonly #random: () => number;

  constructor(settings: Partial<FaultSettings> = {}, seed = 1) {
    this.settings = { ...noFaults, ...settings };
    this.#random = prng(seed);
  }

  set(settings: Partial<FaultSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  reset(): void {
    this.settings = { ...noFaults };
  }

  /** Which fault (if any) hits this call. */
  pick(method: string): Fault | undefined {
    const s = this.settings;
    if (s.methods && !s.methods.test(method)) {
      return undefined;
    }
    const roll = this.#random();
    if (roll < s.dropRate) {
      return 'drop';
    }
    if (roll < s.dropRate + s.busyRate) {
      return 'busy';
    }
    if (roll < s.dropRate + s.busyRate + s.errorRate) {
      return 'error';
    }
    return undefined;
  }

  async delay(): Promise<void> {
    if (this.settings.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.settings.latencyMs));
    }
  }
}
