// The fuzz tests' seeds: a fixed one (the same requests every run, what CI runs) and, with
// FUZZ_RANDOM=1, one drawn per run, which a failure names; FUZZ_SEED=<seed> replays a run,
// FUZZ_REQUESTS=<n> changes its length, FUZZ_TRACE=1 prints each request and its answer. Random
// seeds are opt-in so that CI's verdict depends on the code, not on the draw: the bugs a random
// seed finds are replayed and fixed by their seed.
export const fixedSeed = 20_260_112;
const drawn = process.env.FUZZ_RANDOM === '1' ? Math.floor(Math.random() * 2 ** 31) : undefined;
const chosen = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : drawn;

/** The seeds this run sends: the fixed one, and the chosen or drawn one when there is one. */
export const seeds: ReadonlyArray<readonly [string, number]> = [
  ['fixed', fixedSeed],
  ...(chosen === undefined ? [] : ([['random', chosen]] as const)),
];
export const requestsPerSeed = Number(process.env.FUZZ_REQUESTS ?? 1500);
