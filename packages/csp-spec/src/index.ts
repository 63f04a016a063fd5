export type { components, operations, paths } from './generated/openapi.js';
export { hasBannedNameCharacter, isObjectName, isVolumeName } from './names.js';
export { basePath, contractVersion, loadOpenApiDocument, type OpenApiDocument, openApiPath } from './spec.js';
export type * from './types.js';
