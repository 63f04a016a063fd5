// A seeded random source for the CSP fuzz tests: the same seed gives the same requests, so a
// failing run is replayed with FUZZ_SEED=<seed>.

export class Rng {
  readonly seed: number;
  #state: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.#state = this.seed;
  }

  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  text(length: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < length; i++) {
      out += alphabet[this.int(alphabet.length)];
    }
    return out;
  }
}

const safe = 'abcdefghijklmnopqrstuvwxyz0123456789-';
const punctuation = ' !"#$%&\'()*+,./:;<=>?@[\\]^_`{|}~';
const exotic = [
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  'ß',
  '日本',
  '🦄',
  '\u202e',
  '\ud800',
  '\uffff',
  '\r\n',
  '%00',
  '../',
];

/** `text` with lone UTF-16 surrogates replaced, so it can be percent-encoded or sent as UTF-8. */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Strings that break parsers and validators: empty, huge, control characters, unicode, injection-shaped. */
export function nastyString(rng: Rng): string {
  switch (rng.int(10)) {
    case 0:
      return '';
    case 1:
      return rng.text(1 + rng.int(300), safe);
    case 2:
      return 'a'.repeat(rng.pick([128, 129, 255, 256, 513, 4096, 70_000]));
    case 3:
      return rng.text(1 + rng.int(40), safe + punctuation);
    case 4:
      return rng.pick(exotic) + rng.text(rng.int(10), safe) + rng.pick(exotic);
    case 5:
      return rng.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']);
    case 6:
      return rng.pick(["'; DROP TABLE volumes; --", `$${'{'}7*7}`, '{{7*7}}', '$(id)', '`id`', '| id', '%n%s%x']);
    case 7:
      return rng.pick(['tank/k8s', 'tank/k8s@snap', 'zvol/tank/k8s/x', 'tank~k8s~x', '/etc/passwd', 'C:\\']);
    case 8:
      return ` ${rng.text(1 + rng.int(20), safe)}\n`;
    default:
      return `fz-${rng.int(12)}`;
  }
}

/** Any JSON value, biased towards type confusion and boundary numbers. */
export function nastyValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 3 ? 7 : 10)) {
    case 0:
      return null;
    case 1:
      return rng.pick([true, false]);
    case 2:
      return rng.pick([0, -1, 1, 0.5, -0.0, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, Number.MAX_SAFE_INTEGER]);
    case 3:
      return rng.int(1 << 30) * rng.pick([1, 1024, 1048576]);
    case 4:
    case 5:
    case 6:
      return nastyString(rng);
    case 7:
      return Array.from({ length: rng.int(4) }, () => nastyValue(rng, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(4); i > 0; i--) {
        out[nastyString(rng).slice(0, 40)] = nastyValue(rng, depth + 1);
      }
      return out;
    }
  }
}
