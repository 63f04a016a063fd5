// Loads proto/csi.proto for @grpc/grpc-js. Server, harness and type generator use the same loader
// options, so the generated `__Output` types describe exactly what handlers receive.
import { fileURLToPath } from 'node:url';
import type * as ProtoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/csi/csi.js';
import { grpc, protoLoader } from './grpc/lib.js';

export const csiProtoPath = fileURLToPath(new URL('../proto/csi.proto', import.meta.url));

export const csiLoaderOptions: ProtoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

let loaded: ProtoGrpcType | undefined;

/** The CSI package (`csi.v1`), loaded once per process. */
export function loadCsi(): ProtoGrpcType {
  loaded ??= grpc.loadPackageDefinition(
    protoLoader.loadSync(csiProtoPath, csiLoaderOptions),
  ) as unknown as ProtoGrpcType;
  return loaded;
}
