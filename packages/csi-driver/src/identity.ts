// The Identity service: who the plugin is, what it serves, and whether it is healthy.
// Probe checks that every CSP the controller knows answers HTTP (controller modes) and asks the
// node's readiness function (node modes; the node half plugs its host-tool checks in there).
import { driverName } from './constants.js';
import type { IdentityHandlers, PluginCapability } from './csi-types.js';
import type { CspSessions } from './csp/sessions.js';
import { unavailable } from './errors.js';
import { unary, type WrapContext } from './grpc/wrapper.js';
import type { Mode } from './options.js';

export interface Readiness {
  ready: boolean;
  /** Why not ready (logged; CSI has no field for it). */
  message?: string;
}

export type ReadinessCheck = () => Promise<Readiness>;

export interface IdentityOptions {
  mode: Mode;
  version: string;
  /** Node mode: advertise GROUP_CONTROLLER_SERVICE (--group-snapshots); controller modes ask the CSPs. */
  groupSnapshots?: boolean;
  /** Controller modes: the sessions whose CSPs Probe checks. */
  sessions?: CspSessions;
  /** Node modes: host checks; without one, the node side reports ready. */
  nodeReadiness?: ReadinessCheck;
  probeTimeoutMs?: number;
}

/**
 * What the plugin as a whole offers, the same in every mode: CSI asks GetPluginCapabilities about
 * the plugin, not about one process, and a node-mode process is part of a plugin whose controller
 * runs elsewhere (the Deployment). A CO that finds CONTROLLER_SERVICE calls the controller RPCs on
 * the controller's endpoint; csi-sanity, given a node and a controller endpoint, reads the node's
 * Identity to decide whether to run ControllerPublish before NodeStage.
 */
export function pluginCapabilities(): PluginCapability[] {
  return [{ service: { type: 'CONTROLLER_SERVICE' } }, { volumeExpansion: { type: 'ONLINE' } }];
}

/**
 * Whether every known CSP claims `snapshot_groups`, so GROUP_CONTROLLER_SERVICE is advertised and
 * the CO sends VolumeGroupSnapshots to the GroupController. Only a controller-mode process knows
 * its CSPs; with none known yet (no --csp-secret-dir) nothing is offered, since nothing can be checked.
 */
export async function groupSnapshotsOffered(sessions: CspSessions | undefined): Promise<boolean> {
  const known = sessions?.known() ?? [];
  if (known.length === 0) {
    return false;
  }
  for (const session of known) {
    const facts = await session.facts().catch(() => undefined);
    if (!facts?.features.snapshot_groups) {
      return false;
    }
  }
  return true;
}

async function currentPluginCapabilities(options: IdentityOptions): Promise<PluginCapability[]> {
  const groups =
    options.mode === 'node' ? options.groupSnapshots === true : await groupSnapshotsOffered(options.sessions);
  return [...pluginCapabilities(), ...(groups ? [{ service: { type: 'GROUP_CONTROLLER_SERVICE' as const } }] : [])];
}

async function probe(options: IdentityOptions, wrap: WrapContext): Promise<boolean> {
  if (options.mode !== 'node' && options.sessions) {
    const problems = await Promise.all(
      options.sessions.known().map((s) => s.reachable(options.probeTimeoutMs ?? 5000)),
    );
    const failed = problems.filter((p): p is string => p !== undefined);
    if (failed.length > 0) {
      throw unavailable(`Probe: ${failed.join('; ')}`);
    }
  }
  if (options.mode !== 'controller' && options.nodeReadiness) {
    const readiness = await options.nodeReadiness();
    if (!readiness.ready) {
      wrap.logger.warn({ reason: readiness.message }, 'node side not ready');
    }
    return readiness.ready;
  }
  return true;
}

export function identityService(options: IdentityOptions, wrap: WrapContext): IdentityHandlers {
  return {
    GetPluginInfo: unary(
      'GetPluginInfo',
      {
        handle: async () => ({ name: driverName, vendorVersion: options.version, manifest: { mode: options.mode } }),
        quiet: true,
      },
      wrap,
    ),
    GetPluginCapabilities: unary(
      'GetPluginCapabilities',
      { handle: async () => ({ capabilities: await currentPluginCapabilities(options) }), quiet: true },
      wrap,
    ),
    Probe: unary(
      'Probe',
      { handle: async () => ({ ready: { value: await probe(options, wrap) } }), quiet: true },
      wrap,
    ),
  };
}
