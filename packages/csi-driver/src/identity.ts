// The Identity service: who the plugin is, what it serves, and whether it is healthy.
// Probe checks that every CSP the controller knows answers HTTP (controller modes) and asks the
// node's readiness function (node modes; the node half plugs its host-tool checks in there).
import type { Logger } from 'pino';
import { driverName } from './constants.js';
import { capabilityFacts } from './controller/capability-facts.js';
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
  /** --group-snapshots: advertise GROUP_CONTROLLER_SERVICE where no CSP can be asked (groupSnapshotsOffered). */
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
 * Whether the plugin offers VolumeGroupSnapshots (GROUP_CONTROLLER_SERVICE): in a controller-mode
 * process that knows CSP sessions, exactly when every one of them claims `snapshot_groups`; before
 * it knows any (no --csp-secret-dir, nothing called yet) and in a node-mode process, which cannot
 * ask the CSPs, when the operator says so with --group-snapshots. A controller started with
 * --group-snapshots whose CSP turns out not to claim them stops advertising the service once it
 * has seen the CSP, and answers group RPCs honestly (FAILED_PRECONDITION / NOT_FOUND). A CSP whose
 * capabilities cannot be read counts as not claiming them (capabilityFacts logs why).
 */
export async function groupSnapshotsOffered(
  sessions: CspSessions | undefined,
  declared: boolean,
  logger: Pick<Logger, 'warn' | 'info'>,
): Promise<boolean> {
  const known = sessions?.known() ?? [];
  if (known.length === 0) {
    return declared;
  }
  for (const session of known) {
    const facts = await capabilityFacts(session, logger);
    if (!facts?.features.snapshot_groups) {
      return false;
    }
  }
  return true;
}

async function currentPluginCapabilities(options: IdentityOptions, wrap: WrapContext): Promise<PluginCapability[]> {
  const groups = await groupSnapshotsOffered(
    options.mode === 'node' ? undefined : options.sessions,
    options.groupSnapshots === true,
    wrap.logger,
  );
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
      { handle: async () => ({ capabilities: await currentPluginCapabilities(options, wrap) }), quiet: true },
      wrap,
    ),
    Probe: unary(
      'Probe',
      { handle: async () => ({ ready: { value: await probe(options, wrap) } }), quiet: true },
      wrap,
    ),
  };
}
