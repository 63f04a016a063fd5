import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { debianMirror, parseDeb822Sources, parseSourcesList, readAptSources } from '../../src/vm/apt-sources.js';

// Example hosts only (RFC 2606 names); the code never names a real mirror.
const DEB822 = `Types: deb
# a comment inside the stanza
URIs: http://mirror.example.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example.org/debian-security
Suites: bookworm-security
Components: main
`;

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('apt sources', () => {
  it('parses deb822 stanzas and picks the mirror that serves the suite main', () => {
    const sources = parseDeb822Sources(DEB822);
    expect(sources).toHaveLength(2);
    expect(sources[0]).toEqual({
      types: ['deb'],
      uris: ['http://mirror.example.org/debian'],
      suites: ['bookworm', 'bookworm-updates'],
      components: ['main'],
      enabled: true,
    });
    expect(debianMirror(sources, 'bookworm')).toBe('http://mirror.example.org/debian');
    expect(debianMirror(sources, 'trixie')).toBeUndefined();
  });

  it('skips disabled stanzas, deb-src, other components and non-http transports', () => {
    const sources = parseDeb822Sources(`Types: deb-src
URIs: http://src.example.org/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://off.example.org/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb
URIs: cdrom:[Debian]/ http://ok.example.org/debian
Suites: bookworm
Components: contrib main
`);
    expect(debianMirror(sources, 'bookworm')).toBe('http://ok.example.org/debian');
  });

  it('parses one-line sources.list entries with options and comments', () => {
    const sources = parseSourcesList(`# comment
deb [arch=amd64 signed-by=/k.gpg] http://list.example.org/debian bookworm main contrib
deb-src http://list.example.org/debian bookworm main
deb http://list.example.org/debian bookworm-updates main # trailing
`);
    expect(sources.map((s) => [s.types[0], s.uris[0], s.suites[0]])).toEqual([
      ['deb', 'http://list.example.org/debian', 'bookworm'],
      ['deb-src', 'http://list.example.org/debian', 'bookworm'],
      ['deb', 'http://list.example.org/debian', 'bookworm-updates'],
    ]);
    expect(debianMirror(sources, 'bookworm')).toBe('http://list.example.org/debian');
  });

  it('reads sources.list and sources.list.d/*.sources|*.list, ignoring other files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opencsp-apt-'));
    dirs.push(dir);
    await mkdir(join(dir, 'sources.list.d'));
    await writeFile(join(dir, 'sources.list.d', 'debian.sources'), DEB822);
    await writeFile(
      join(dir, 'sources.list.d', 'old.list.disabled'),
      'deb http://no.example.org/debian bookworm main\n',
    );
    await writeFile(join(dir, 'sources.list.d', 'extra.list'), 'deb http://extra.example.org/debian trixie main\n');
    const sources = await readAptSources(dir);
    expect(sources.flatMap((s) => s.uris)).toEqual([
      'http://mirror.example.org/debian',
      'http://mirror.example.org/debian-security',
      'http://extra.example.org/debian',
    ]);
    expect(debianMirror(sources, 'bookworm')).toBe('http://mirror.example.org/debian');
  });
});
