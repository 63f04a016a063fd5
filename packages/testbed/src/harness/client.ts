// A CSI gRPC client over the driver's unix socket, as kubelet and the sidecars use it: the
// same proto, the same loader options, a deadline on every call.
import * as grpc from '@grpc/grpc-js';
import type * as csi from '@opencsp/csi-driver';
import { loadCsi } from '@opencsp/csi-driver';

export type IdentityCalls = {
  GetPluginInfo: [csi.GetPluginInfoRequest, csi.GetPluginInfoResponse__Output];
  GetPluginCapabilities: [csi.GetPluginCapabilitiesRequest, csi.GetPluginCapabilitiesResponse__Output];
  Probe: [csi.ProbeRequest, csi.ProbeResponse__Output];
};

export type ControllerCalls = {
  CreateVolume: [csi.CreateVolumeRequest, csi.CreateVolumeResponse__Output];
  DeleteVolume: [csi.DeleteVolumeRequest, csi.DeleteVolumeResponse__Output];
  ControllerPublishVolume: [csi.ControllerPublishVolumeRequest, csi.ControllerPublishVolumeResponse__Output];
  ControllerUnpublishVolume: [csi.ControllerUnpublishVolumeRequest, csi.ControllerUnpublishVolumeResponse__Output];
  ValidateVolumeCapabilities: [csi.ValidateVolumeCapabilitiesRequest, csi.ValidateVolumeCapabilitiesResponse__Output];
  ListVolumes: [csi.ListVolumesRequest, csi.ListVolumesResponse__Output];
  GetCapacity: [csi.GetCapacityRequest, csi.GetCapacityResponse__Output];
  ControllerGetCapabilities: [csi.ControllerGetCapabilitiesRequest, csi.ControllerGetCapabilitiesResponse__Output];
  CreateSnapshot: [csi.CreateSnapshotRequest, csi.CreateSnapshotResponse__Output];
  DeleteSnapshot: [csi.DeleteSnapshotRequest, csi.DeleteSnapshotResponse__Output];
  ListSnapshots: [csi.ListSnapshotsRequest, csi.ListSnapshotsResponse__Output];
  GetSnapshot: [csi.GetSnapshotRequest, csi.GetSnapshotResponse__Output];
  ControllerExpandVolume: [csi.ControllerExpandVolumeRequest, csi.ControllerExpandVolumeResponse__Output];
  ControllerGetVolume: [csi.ControllerGetVolumeRequest, csi.ControllerGetVolumeResponse__Output];
  ControllerModifyVolume: [csi.ControllerModifyVolumeRequest, csi.ControllerModifyVolumeResponse__Output];
};

export type GroupControllerCalls = {
  GroupControllerGetCapabilities: [
    csi.GroupControllerGetCapabilitiesRequest,
    csi.GroupControllerGetCapabilitiesResponse__Output,
  ];
  CreateVolumeGroupSnapshot: [csi.CreateVolumeGroupSnapshotRequest, csi.CreateVolumeGroupSnapshotResponse__Output];
  DeleteVolumeGroupSnapshot: [csi.DeleteVolumeGroupSnapshotRequest, csi.DeleteVolumeGroupSnapshotResponse__Output];
  GetVolumeGroupSnapshot: [csi.GetVolumeGroupSnapshotRequest, csi.GetVolumeGroupSnapshotResponse__Output];
};

export type NodeCalls = {
  NodeGetInfo: [csi.NodeGetInfoRequest, csi.NodeGetInfoResponse__Output];
  NodeGetCapabilities: [csi.NodeGetCapabilitiesRequest, csi.NodeGetCapabilitiesResponse__Output];
  NodeStageVolume: [csi.NodeStageVolumeRequest, csi.NodeStageVolumeResponse__Output];
  NodeUnstageVolume: [csi.NodeUnstageVolumeRequest, csi.NodeUnstageVolumeResponse__Output];
  NodePublishVolume: [csi.NodePublishVolumeRequest, csi.NodePublishVolumeResponse__Output];
  NodeUnpublishVolume: [csi.NodeUnpublishVolumeRequest, csi.NodeUnpublishVolumeResponse__Output];
  NodeExpandVolume: [csi.NodeExpandVolumeRequest, csi.NodeExpandVolumeResponse__Output];
  NodeGetVolumeStats: [csi.NodeGetVolumeStatsRequest, csi.NodeGetVolumeStatsResponse__Output];
};

type Calls = Record<string, [unknown, unknown]>;

/** A gRPC failure as the sidecars see it. */
export type GrpcError = grpc.ServiceError;

export function isGrpcError(err: unknown): err is GrpcError {
  return typeof (err as { code?: unknown })?.code === 'number' && 'details' in (err as object);
}

function unaryCall<C extends Calls, K extends keyof C & string>(
  client: grpc.Client,
  method: K,
  request: C[K][0],
  timeoutMs: number,
): Promise<C[K][1]> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
    if (!fn) {
      reject(new Error(`no such RPC: ${method}`));
      return;
    }
    fn.call(client, request, { deadline: Date.now() + timeoutMs }, (err: grpc.ServiceError | null, res: C[K][1]) =>
      err ? reject(err) : resolve(res),
    );
  });
}

export class CsiClient {
  readonly #identity: grpc.Client;
  readonly #controller: grpc.Client;
  readonly #groupController: grpc.Client;
  readonly #node: grpc.Client;
  /** Default deadline per call (the sidecars use 30 s to several minutes). */
  timeoutMs: number;

  constructor(socketPath: string, timeoutMs = 30_000) {
    const v1 = loadCsi().csi.v1;
    const address = `unix:${socketPath}`;
    const credentials = grpc.credentials.createInsecure();
    this.#identity = new v1.Identity(address, credentials);
    this.#controller = new v1.Controller(address, credentials);
    this.#groupController = new v1.GroupController(address, credentials);
    this.#node = new v1.Node(address, credentials);
    this.timeoutMs = timeoutMs;
  }

  identity<K extends keyof IdentityCalls>(method: K, request: IdentityCalls[K][0], timeoutMs = this.timeoutMs) {
    return unaryCall<IdentityCalls, K>(this.#identity, method, request, timeoutMs);
  }

  controller<K extends keyof ControllerCalls>(method: K, request: ControllerCalls[K][0], timeoutMs = this.timeoutMs) {
    return unaryCall<ControllerCalls, K>(this.#controller, method, request, timeoutMs);
  }

  groupController<K extends keyof GroupControllerCalls>(
    method: K,
    request: GroupControllerCalls[K][0],
    timeoutMs = this.timeoutMs,
  ) {
    return unaryCall<GroupControllerCalls, K>(this.#groupController, method, request, timeoutMs);
  }

  node<K extends keyof NodeCalls>(method: K, request: NodeCalls[K][0], timeoutMs = this.timeoutMs) {
    return unaryCall<NodeCalls, K>(this.#node, method, request, timeoutMs);
  }

  close(): void {
    this.#identity.close();
    this.#controller.close();
    this.#groupController.close();
    this.#node.close();
  }
}
