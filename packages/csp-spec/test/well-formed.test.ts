// The kit refuses strings that are not Unicode text (lone UTF-16 surrogates) with 400 naming the
// field (found by the csp-synology fuzz test, seed 462443078).
import { describe, expect, it } from 'vitest';
import { malformedTextAt } from '../src/server/well-formed.js';

describe('malformedTextAt', () => {
  it('accepts well-formed text, including pairs outside the BMP', () => {
    expect(malformedTextAt({ name: 'pvc-1 ÿ 😀', config: { a: ['x'] } }, 'body')).toBeUndefined();
  });

  it('names the first field holding a lone surrogate', () => {
    expect(malformedTextAt({ name: '../ga2rwb-v\ud800' }, 'body')).toBe('body.name');
    expect(malformedTextAt({ config: { k: ['ok', '\udc00x'] } }, 'body')).toBe('body.config.k[1]');
    expect(malformedTextAt(Object.fromEntries([['bad\ud800', 1]]), 'body')).toBe('body');
  });
});
