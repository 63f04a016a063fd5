// Which TrueNAS releases the simulator plays, and what each one's API directory holds. Facts from
// truenas/middleware (tags TS-25.10.0 ... TS-25.10.6, branch stable/26): `main.py` serves
// `/api/<dir>` for every `api/vXX_YY_Z` directory and lists all but v24.10 on `GET /api/versions`.
// See docs/research/truenas-api.md ("API directory").

export type Train = '25.10' | '26.0';

/**
 * The newest API directory of each 25.10 patch release, by patch number (what `/api/current` is
 * an alias of): 25.10.0 has v25.10.0, 25.10.3 still v25.10.2, 25.10.6 v25.10.5.
 */
const newest25 = ['v25.10.0', 'v25.10.1', 'v25.10.2', 'v25.10.2', 'v25.10.4', 'v25.10.5', 'v25.10.5'];

const all25 = ['v25.10.0', 'v25.10.1', 'v25.10.2', 'v25.10.3', 'v25.10.4', 'v25.10.5'];
const base = ['v25.04.0', 'v25.04.1', 'v25.04.2'];

export const defaultReleases: Record<Train, string> = { '25.10': '25.10.6', '26.0': '26.0.0' };

export interface Release {
  train: Train;
  /** Full version as `system.version` reports it after `TrueNAS-`. */
  version: string;
  /** `GET /api/versions`, oldest first. */
  listed: string[];
  /** Every `/api/<dir>` served: the listed ones plus the unlisted v24.10. */
  served: string[];
}

function parse(raw: string): { train: Train; version: string } {
  const text = raw.trim();
  const m = /^(25\.10|26\.0|26)(?:\.(\d+)(?:\.(\d+))?)?$/.exec(text);
  if (!m) {
    throw new Error(`unsupported TrueNAS version "${raw}": use 25.10.x or 26.0.x`);
  }
  const train: Train = m[1] === '25.10' ? '25.10' : '26.0';
  if (m[2] === undefined) {
    return { train, version: defaultReleases[train] };
  }
  return { train, version: `${train}.${m[2]}${m[3] === undefined ? '' : `.${m[3]}`}` };
}

function dirsOf(train: Train, version: string): string[] {
  if (train === '26.0') {
    return [...base, ...all25, 'v26.0.0'];
  }
  const patch = Number(version.split('.')[2]);
  const newest = newest25[Math.min(patch, newest25.length - 1)] as string;
  return [...base, ...all25.slice(0, all25.indexOf(newest) + 1)];
}

/** Resolves `25.10`, `25.10.N[.M]`, `26`, `26.0` or `26.0.N` to a release; throws otherwise. */
export function resolveRelease(raw: string): Release {
  const { train, version } = parse(raw);
  const listed = dirsOf(train, version);
  return { train, version, listed, served: ['v24.10', ...listed] };
}

/** API directory version `vA.B.C` compared with `vX.Y.Z` (`current` is newest). */
export function endpointAtLeast(endpoint: string, minimum: string): boolean {
  if (endpoint === 'current') {
    return true;
  }
  const key = (v: string) =>
    v
      .replace(/^v/, '')
      .split('.')
      .map((n) => n.padStart(4, '0'))
      .join('.');
  return key(endpoint) >= key(minimum);
}
