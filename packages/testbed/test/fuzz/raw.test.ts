// The byte-level generator sends only complete requests: each has a request line to answer,
// never just the empty lines a server skips while it waits for one (seed 96227066, request 582).
import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';
import { rawRequest } from './raw.js';

describe('fuzz raw requests', () => {
  it('always hold something besides empty lines', () => {
    const rng = new Rng(96_227_066);
    const blank = Array.from({ length: 20_000 }, () => rawRequest(rng, 'token')).filter((text) =>
      /^[\r\n]*$/.test(text),
    );
    expect(blank).toEqual([]);
  });
});
