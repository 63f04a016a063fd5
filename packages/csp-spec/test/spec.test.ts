import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { contractRoutes } from '../src/server/contract.js';
import { sessionHandlers } from '../src/server/handlers.js';
import { loadOpenApiDocument, openApiPath } from '../src/spec.js';

describe('openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(openApiPath);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(loadOpenApiDocument().openapi).toBe('3.1.0');
  });

  it('keeps the HPE v1.1.0 endpoints at their paths and methods', () => {
    const ops = new Set(contractRoutes().map((r) => `${r.method} ${r.url}`));
    for (const expected of [
      'POST /containers/v1/tokens',
      'DELETE /containers/v1/tokens/:id',
      'GET /containers/v1/hosts',
      'POST /containers/v1/hosts',
      'DELETE /containers/v1/hosts',
      'DELETE /containers/v1/hosts/:id',
      'GET /containers/v1/volumes',
      'POST /containers/v1/volumes',
      'GET /containers/v1/volumes/:id',
      'PUT /containers/v1/volumes/:id',
      'DELETE /containers/v1/volumes/:id',
      'PUT /containers/v1/volumes/:id/actions/publish',
      'PUT /containers/v1/volumes/:id/actions/unpublish',
      'GET /containers/v1/snapshots',
      'POST /containers/v1/snapshots',
      'GET /containers/v1/snapshots/:id',
      'DELETE /containers/v1/snapshots/:id',
      'GET /containers/v1/volume_groups',
      'POST /containers/v1/volume_groups',
      'GET /containers/v1/volume_groups/:id',
      'DELETE /containers/v1/volume_groups/:id',
      'GET /containers/v1/snapshot_groups',
      'POST /containers/v1/snapshot_groups',
      'GET /containers/v1/snapshot_groups/:id',
      'DELETE /containers/v1/snapshot_groups/:id',
      'GET /containers/v1/replication_partners',
    ]) {
      expect(ops, expected).toContain(expected);
    }
  });

  it('marks exactly the opencsp additions as extensions', () => {
    const extensions = contractRoutes()
      .filter((r) => r.extension)
      .map((r) => r.operationId);
    expect(extensions.sort()).toEqual(['getCapabilities', 'queryCapacity']);
  });

  it('needs a token everywhere but POST /tokens', () => {
    const open = contractRoutes()
      .filter((r) => !r.secured)
      .map((r) => r.operationId);
    expect(open).toEqual(['createToken']);
  });

  it('uses the Errors body for every error response', () => {
    for (const route of contractRoutes()) {
      for (const [status, schema] of route.responses) {
        if (status >= 400) {
          expect(schema?.required, `${route.operationId} ${status}`).toEqual(['errors']);
        }
      }
    }
  });

  it('has a handler for every operation', () => {
    const missing = contractRoutes()
      .map((r) => r.operationId)
      .filter((op) => !(op in sessionHandlers) && op !== 'createToken' && op !== 'deleteToken');
    expect(missing).toEqual([]);
  });
});
