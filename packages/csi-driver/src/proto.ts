// Loads proto/csi.proto for @grpc/grpc-js. Server, harness and type generator use the same loader
// options, so the generated `__Output` types describe exactly what handlers receive.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/csi/csi.js';

export const csiProtoPath = fileURLToPath(new URL('../proto/csi.proto', import.meta.url));

export const csiLoaderOptions: protoLoader.Options = {
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
