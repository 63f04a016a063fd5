import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the contract (`openapi.yaml` at the package root), from src/ and from dist/. */
export const openApiPath = fileURLToPath(new URL('../openapi.yaml', import.meta.url));

/** The same document as JSON (`pnpm generate` writes it), so loading it needs no YAML parser. */
export const openApiJsonPath = fileURLToPath(new URL('../generated/openapi.json', import.meta.url));

/** The base path every contract route lives under. */
export const basePath = '/containers/v1';

export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  info: { version: string; title: string };
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
};

let cached: OpenApiDocument | undefined;

/** The contract as a parsed object. Callers get a fresh deep copy, so they may mutate it. */
export function loadOpenApiDocument(): OpenApiDocument {
  cached ??= JSON.parse(readFileSync(openApiJsonPath, 'utf8')) as OpenApiDocument;
  return structuredClone(cached);
}

/** The contract version (`info.version`). */
export function contractVersion(): string {
  return loadOpenApiDocument().info.version;
}
