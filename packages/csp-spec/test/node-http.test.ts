// The services load Node's `http` and `https` through `@opencsp/csp-spec/node-http` (require), never
// with a value `import` (on Node 22 and later that loads Node's bundled undici; see node-http.ts).
// Test support (testing/, conformance/) and the simulators in testbed are not services.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { http, https } from '../src/node-http.js';

const packages = fileURLToPath(new URL('../..', import.meta.url));
const services = ['csi-driver', 'csp-spec', 'csp-truenas', 'csp-synology'];
const notServices = /[\\/](testing|conformance)[\\/]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Value imports (not `import type`) of node:http or node:https in `text`. */
function httpValueImports(text: string): string[] {
  return [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'(node:)?https?'/gms)].map((m) => m[0]);
}

describe('node-http', () => {
  it('finds value imports of http and https, and ignores type imports', () => {
    expect(httpValueImports("import { Agent } from 'node:http';\nimport type { Server } from 'node:http';")).toEqual([
      "import { Agent } from 'node:http'",
    ]);
    expect(httpValueImports("import {\n  request,\n} from 'https';")).toHaveLength(1);
    expect(httpValueImports("import type { AgentOptions } from 'node:https';")).toEqual([]);
  });

  it('gives the modules themselves', () => {
    expect(typeof http.request).toBe('function');
    expect(typeof https.Agent).toBe('function');
  });

  it('is how every service module loads http and https', () => {
    const offenders = services
      .flatMap((pkg) => sources(join(packages, pkg, 'src')))
      .filter((path) => !notServices.test(path) && !path.endsWith('node-http.ts'))
      .filter((path) => httpValueImports(readFileSync(path, 'utf8')).length > 0)
      .map((path) => relative(packages, path));
    expect(offenders).toEqual([]);
  });
});
