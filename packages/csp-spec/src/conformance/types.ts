// The public shapes of the conformance suite: what a run is given, what a case is, and what the
// report holds. Everything in a report is already free of secrets.
import type { AccessProtocol, Capabilities, FeatureName } from '../types.js';
import type { CaseContext } from './context.js';

export type Area =
  | 'tokens'
  | 'hosts'
  | 'volumes'
  | 'publish'
  | 'snapshots'
  | 'clones'
  | 'expansion'
  | 'groups'
  | 'nvme'
  | 'extensions'
  | 'validation'
  | 'cleanup';

/** Where and how to reach the CSP under test. */
export interface ConformanceTarget {
  /** The CSP's URL; `/containers/v1` is appended unless the path already ends with it. */
  url: string;
  /** The array address: sent as `array_ip` and `x-array-ip` in service mode, informational otherwise. */
  backend: string;
  username: string;
  password: string;
  /** Service mode: one CSP fronts many arrays, every call names the array (`x-array-ip`). */
  arrayIpHeader?: boolean;
  /** Size of the volumes the suite creates, in bytes (default 64 MiB). Raised to the CSP's minimum. */
  sizeBytes?: number;
  /** Deadline of one request (default 60 s). */
  timeoutMs?: number;
  /** TLS for `https://` CSPs: skip certificate checks, or trust this CA (PEM). */
  tls?: { rejectUnauthorized?: boolean; ca?: string };
  /**
   * A config edit the modify case applies to a new volume (keys from `mutable_config_keys`, values
   * the CSP accepts and that differ from its defaults), e.g. `{ compression: 'ZSTD' }`. Without it
   * the case checks refusals and no-op edits only.
   */
  modifyConfig?: Record<string, string>;
}

export interface ConformanceHooks {
  /** After each case and its cleanup. Throwing turns the case into a failure with that message. */
  afterCase?(event: { caseId: string; result: CaseResult }): void | Promise<void>;
  /** After the final cleanup check. Throwing fails the `cleanup` case (for leak audits). */
  afterAll?(event: { report: ConformanceReport }): void | Promise<void>;
}

export interface ConformanceOptions extends ConformanceTarget {
  /** Run only these case ids (the `cleanup` check always runs). */
  only?: readonly string[];
  hooks?: ConformanceHooks;
  /** Progress lines, one per finished case. */
  log?: (line: string) => void;
  /** Stops starting new cases (they fail as "not run"); the cleanup still runs. */
  signal?: AbortSignal;
}

/** One conformance case. Cases are small, independent, and remove what they create. */
export interface ConformanceCase {
  /** Stable id, `<area>.<name>`, usable with `--only`. */
  id: string;
  area: Area;
  /** What the case proves, as one sentence. */
  title: string;
  /** The optional (opencsp) feature the case needs; unclaimed means the case is "not claimed". */
  feature?: FeatureName;
  /**
   * The access protocol the case needs besides iSCSI: it runs when `GET /capabilities` lists it in
   * `access_protocols`, else `unclaimed` checks how the CSP refuses it.
   */
  protocol?: AccessProtocol;
  /** The case only applies to a CSP driven in service mode (`--array-ip-header`). */
  serviceModeOnly?: boolean;
  run(ctx: CaseContext): Promise<void>;
  /**
   * Runs instead of `run` when the CSP serves `GET /capabilities` but does not claim `feature`:
   * checks that it refuses the feature the way the contract says (501, 400...).
   */
  unclaimed?(ctx: CaseContext): Promise<void>;
}

export type CaseStatus = 'pass' | 'fail' | 'not-claimed';

/** A request as shown in a report: secrets masked, headers left out. */
export interface ShownRequest {
  method: string;
  path: string;
  body?: unknown;
}

export interface CaseFailureDetail {
  message: string;
  expected?: string;
  received?: { status: number; body?: unknown };
  request?: ShownRequest;
}

export interface CaseResult {
  id: string;
  area: Area;
  title: string;
  status: CaseStatus;
  durationMs: number;
  /** Why a case was not claimed, what its unclaimed check verified, or other remarks. */
  note?: string;
  failure?: CaseFailureDetail;
  /** How many requests the case sent. */
  requests: number;
}

export interface ConformanceReport {
  /** The contract base URL the suite talked to. */
  url: string;
  backend: string;
  mode: 'direct' | 'service';
  /** The CSP's `GET /capabilities`, or undefined for a plain HPE-style CSP. */
  capabilities: Capabilities | undefined;
  sizeBytes: number;
  prefix: string;
  startedAt: string;
  durationMs: number;
  results: CaseResult[];
  summary: { total: number; passed: number; failed: number; notClaimed: number };
  /** True when no case failed. */
  passed: boolean;
}
