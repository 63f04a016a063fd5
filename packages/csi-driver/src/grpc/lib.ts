// @grpc/grpc-js and @grpc/proto-loader, loaded with `require`: they are CommonJS, and importing
// CommonJS from an ES module makes Node scan its source for export names, which costs a long-lived
// process several MiB (see @opencsp/csp-spec/runtime). Types come from `import type` as usual.
import { createRequire } from 'node:module';
import type * as GrpcJs from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';

const load = createRequire(import.meta.url);

export const grpc = load('@grpc/grpc-js') as typeof GrpcJs;
export const protoLoader = load('@grpc/proto-loader') as typeof ProtoLoader;
/** gRPC status codes (`status.NOT_FOUND`...); the type of a code is `StatusCode`. */
export const status = grpc.status;
export type StatusCode = GrpcJs.status;
