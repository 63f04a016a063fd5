// The gRPC server on a unix socket: a stale socket from a previous run is removed at start, the
// socket is removed again at stop, and stop waits for in-flight calls up to a grace period.
import { lstat, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as GrpcJs from '@grpc/grpc-js';
import { grpc } from './grpc/lib.js';

export interface ServiceRegistration {
  definition: GrpcJs.ServiceDefinition;
  handlers: GrpcJs.UntypedServiceImplementation;
}

export interface RunningServer {
  socketPath: string;
  /** Stops accepting calls, waits for in-flight ones (up to graceMs), removes the socket. */
  stop(graceMs?: number): Promise<void>;
}

async function removeStaleSocket(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) {
    return;
  }
  if (!info.isSocket()) {
    throw new Error(`${path} exists and is not a socket; refusing to replace it`);
  }
  await rm(path);
}

export async function startServer(socketPath: string, services: ServiceRegistration[]): Promise<RunningServer> {
  await mkdir(dirname(socketPath), { recursive: true });
  await removeStaleSocket(socketPath);
  // Channelz (gRPC's introspection service) is not served here; tracking every call for it cost
  // a few percent of the driver's CPU per RPC (issue 14).
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024, 'grpc.enable_channelz': 0 });
  for (const service of services) {
    server.addService(service.definition, service.handlers);
  }
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    );
  });
  let stopped: Promise<void> | undefined;
  const stop = (graceMs = 25_000) => {
    stopped ??= (async () => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await rm(socketPath, { force: true });
    })();
    return stopped;
  };
  return { socketPath, stop };
}
