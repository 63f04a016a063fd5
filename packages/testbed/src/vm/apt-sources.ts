// Finds the Debian package mirror this machine's apt already uses, so the VM's rootfs is built
// from the same mirror without naming any host in the repository. Reads both formats apt knows:
// deb822 `.sources` files (Types/URIs/Suites/Components stanzas) and one-line `sources.list`.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  enabled: boolean;
}

/** Parses a deb822 `.sources` file: blank-line separated stanzas, `Key: value` fields, `#` comments. */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#') || raw.trim() === '') {
        continue;
      }
      if (/^\s/.test(raw) && last) {
        fields.set(last, `${fields.get(last) ?? ''} ${raw.trim()}`);
        continue;
      }
      const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(raw);
      if (match?.[1] !== undefined) {
        last = match[1].toLowerCase();
        fields.set(last, match[2] ?? '');
      }
    }
    const words = (key: string) => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
    if (fields.size === 0 || words('uris').length === 0) {
      continue;
    }
    sources.push({
      types: words('types'),
      uris: words('uris'),
      suites: words('suites'),
      components: words('components'),
      enabled: (fields.get('enabled') ?? 'yes').trim().toLowerCase() !== 'no',
    });
  }
  return sources;
}

/** Parses one-line `sources.list` entries: `deb [options] uri suite component...`. */
export function parseSourcesList(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) {
      continue;
    }
    const withoutOptions = line.replace(/\[[^\]]*\]/, ' ');
    const [type, uri, suite, ...components] = withoutOptions.split(/\s+/).filter(Boolean);
    if ((type !== 'deb' && type !== 'deb-src') || !uri || !suite) {
      continue;
    }
    sources.push({ types: [type], uris: [uri], suites: [suite], components, enabled: true });
  }
  return sources;
}

/**
 * The mirror URI that serves `suite` main as binary packages, or undefined. Prefers http(s)
 * mirrors (debootstrap cannot use apt's other transports).
 */
export function debianMirror(sources: AptSource[], suite: string): string | undefined {
  const candidates = sources.filter(
    (s) => s.enabled && s.types.includes('deb') && s.suites.includes(suite) && s.components.includes('main'),
  );
  for (const source of candidates) {
    const uri = source.uris.find((u) => /^(https?|file):\/\//.test(u));
    if (uri) {
      return uri;
    }
  }
  return undefined;
}

/** Reads every apt source under `aptDir` (default /etc/apt): sources.list, then sources.list.d/. */
export async function readAptSources(aptDir = '/etc/apt'): Promise<AptSource[]> {
  const sources: AptSource[] = [];
  const list = await readOptional(join(aptDir, 'sources.list'));
  if (list !== undefined) {
    sources.push(...parseSourcesList(list));
  }
  let names: string[] = [];
  try {
    names = (await readdir(join(aptDir, 'sources.list.d'))).sort();
  } catch {
    names = [];
  }
  for (const name of names) {
    const text = await readOptional(join(aptDir, 'sources.list.d', name));
    if (text === undefined) {
      continue;
    }
    if (name.endsWith('.sources')) {
      sources.push(...parseDeb822Sources(text));
    } else if (name.endsWith('.list')) {
      sources.push(...parseSourcesList(text));
    }
  }
  return sources;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
