// What the driver's instrumented code reports, as interfaces without a metrics library behind
// them (the implementations in this folder are loaded only when --metrics-address is set).
import type { CspClientMetrics } from '@opencsp/csp-spec/metrics';
import type { PathCounts } from '../node/transport.js';

/** One RPC method's instruments, made once when the handler is wrapped. */
export interface RpcProbe {
  /** The call started (in-flight +1). */
  begin(): void;
  /** The call ended with gRPC status `code` (a name such as OK, ABORTED) after `seconds`. */
  end(code: string, seconds: number, duplicate: boolean): void;
}

export interface RpcMetrics {
  probe(method: string): RpcProbe;
}

export type CommandResult = 'success' | 'failure' | 'timeout' | 'error';

/** The node's host command runner. */
export interface HostMetrics {
  command(cmd: string, result: CommandResult, seconds: number): void;
}

export type { PathCounts };

export type Outcome = 'success' | 'failure';

export interface NodeMetrics {
  /** A stage that attached (and for filesystems formatted/mounted) ended. */
  staged(transport: string, result: Outcome, seconds: number): void;
  /** A transport attach (login, scan, path checks, multipath) ended. */
  attached(transport: string, result: Outcome, seconds: number): void;
  /** The path counts of a volume as last seen (attach, stats); undefined forgets the volume. */
  paths(volumeId: string, counts: PathCounts | undefined): void;
  /** How to count staged volumes, read at scrape time. */
  stagedVolumes(count: () => Promise<number>): void;
}

/** The instruments of one driver process: CSP client in controller modes, host and node in node modes. */
export interface DriverMetrics {
  rpc: RpcMetrics;
  csp?: CspClientMetrics;
  host?: HostMetrics;
  node?: NodeMetrics;
}
