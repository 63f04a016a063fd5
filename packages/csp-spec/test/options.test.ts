import { describe, expect, it } from 'vitest';
import { OptionsError, parseOptions, parsers } from '../src/options.js';

const table = {
  port: { flag: 'port', env: 'TEST_PORT', description: 'port', parse: parsers.int(0, 65535), default: 8080 },
  host: { flag: 'host', description: 'host', parse: parsers.string, required: true },
  key: { flag: 'api-key', env: 'TEST_KEY', description: 'key', parse: parsers.int(1, 2), secret: true },
  timeout: { flag: 'timeout', description: 'timeout', parse: parsers.duration, default: 1000 },
};

describe('parseOptions', () => {
  it('reads flags before the environment and applies defaults', () => {
    const { values } = parseOptions(table, ['--host', 'a', '--timeout=2s'], { TEST_PORT: '9000' });
    expect(values).toEqual({ port: 9000, host: 'a', key: undefined, timeout: 2000 });
    expect(parseOptions(table, ['--host=a', '--port', '1'], { TEST_PORT: '9000' }).values.port).toBe(1);
  });

  it('reports every problem at once, without echoing secrets', () => {
    const run = () => parseOptions(table, ['stray', '--port', 'x', '--bogus'], { TEST_KEY: 'hunter2' });
    expect(run).toThrow(OptionsError);
    try {
      run();
    } catch (err) {
      const { problems } = err as OptionsError;
      expect(problems).toEqual([
        'unexpected argument "stray"',
        'unknown option --bogus',
        '--port "x" must be an integer from 0 to 65535',
        '--host is required: host',
        'TEST_KEY must be an integer from 1 to 2',
      ]);
      expect(String(err)).not.toContain('hunter2');
    }
  });

  it('parses durations, booleans and lists', () => {
    expect(parsers.duration('5m')).toBe(300_000);
    expect(parsers.duration('150')).toBe(150);
    expect(() => parsers.duration('5 minutes')).toThrow(/duration/);
    expect(parsers.bool('yes')).toBe(true);
    expect(parsers.bool('OFF')).toBe(false);
    expect(() => parsers.bool('maybe')).toThrow();
    expect(parsers.list(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(parsers.oneOf('a', 'b')('b')).toBe('b');
    expect(() => parsers.oneOf('a', 'b')('c')).toThrow('must be one of a, b');
  });
});
