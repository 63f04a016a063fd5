// The fuzz tests' seeds: a fixed one (the same requests every run) and one drawn per run, which a
// failure names; FUZZ_SEED=<seed> replays a run, FUZZ_REQUESTS=<n> changes its length.
export const fixedSeed = 20_260_112;
export const randomSeed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
export const requestsPerSeed = Number(process.env.FUZZ_REQUESTS ?? 1500);
