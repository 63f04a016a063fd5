// One conformance run against one CSP: log in, read the capabilities, run cases one at a time
// (each followed by the removal of what it created), then prove nothing was left and log out.
// `runConformance` runs everything; the vitest adapter drives the same object case by case.
import { randomBytes } from 'node:crypto';
import { CspConnectionError, CspTimeoutError } from '../client/errors.js';
import type { Capabilities, Token } from '../types.js';
import { ContractApi } from './api.js';
import { allCases, cleanupCase, selectCases } from './cases/index.js';
import { CaseContext, type RunState } from './context.js';
import { ConformanceOptionsError, ConformanceUnreachable } from './errors.js';
import { CaseFailure, NotClaimed } from './expect.js';
import { findLeftovers } from './leftovers.js';
import { Secrets } from './mask.js';
import { contractBaseUrl, type Exchange, Probe } from './probe.js';
import { schemaProblem } from './schemas.js';
import { Tracker } from './tracker.js';
import type {
  CaseFailureDetail,
  CaseResult,
  ConformanceCase,
  ConformanceOptions,
  ConformanceReport,
  ConformanceTarget,
} from './types.js';

const MiB = 1024 * 1024;
export const defaultSizeBytes = 64 * MiB;

function effectiveSize(requested: number, capabilities: Capabilities | undefined): number {
  const limits = capabilities?.limits;
  const size = Math.max(requested, limits?.min_volume_size ?? 0);
  const unit = limits?.size_granularity ?? 1;
  return Math.ceil(size / unit) * unit;
}

function checkTarget(target: ConformanceTarget): void {
  const size = target.sizeBytes ?? defaultSizeBytes;
  if (!Number.isSafeInteger(size) || size < MiB) {
    throw new ConformanceOptionsError(`sizeBytes must be an integer of at least 1 MiB, got ${size}`);
  }
  for (const key of ['backend', 'username', 'password'] as const) {
    if (!target[key]) {
      throw new ConformanceOptionsError(`${key} is required`);
    }
  }
}

export class ConformanceRun {
  readonly results: CaseResult[] = [];
  readonly #state: RunState;
  readonly #probe: Probe;
  readonly #tracker = new Tracker();
  readonly #options: ConformanceOptions;
  readonly #started = Date.now();
  /** Why there is no session (login failed); every case then fails with it. */
  #sessionFailure: CaseFailureDetail | undefined;
  /** Why no feature counts as claimed when the CSP published no capabilities. */
  #noCapabilities = 'no GET /capabilities: a plain HPE-style CSP';
  #requests = 0;
  #finished = false;

  private constructor(options: ConformanceOptions, probe: Probe, state: RunState) {
    this.#options = options;
    this.#probe = probe;
    this.#state = state;
  }

  /** Logs in and reads the capabilities. Throws ConformanceUnreachable when the CSP cannot be reached. */
  static async open(options: ConformanceOptions): Promise<ConformanceRun> {
    checkTarget(options);
    const secrets = new Secrets();
    secrets.add(options.password);
    const serviceMode = options.arrayIpHeader === true;
    const probe = new Probe({
      baseUrl: contractBaseUrl(options.url),
      backend: options.backend,
      serviceMode,
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(options.tls ? { tls: options.tls } : {}),
      secrets,
    });
    const state: RunState = {
      api: new ContractApi(probe),
      prefix: `cspconf-${randomBytes(4).toString('hex')}`,
      sizeBytes: options.sizeBytes ?? defaultSizeBytes,
      backend: options.backend,
      serviceMode,
      username: options.username,
      password: options.password,
      capabilities: undefined,
      secrets,
      counter: { next: 1 },
      modifyConfig: options.modifyConfig,
    };
    const run = new ConformanceRun(options, probe, state);
    try {
      await run.#login();
    } catch (err) {
      await probe.close();
      if (err instanceof CspConnectionError || err instanceof CspTimeoutError) {
        throw new ConformanceUnreachable(`the CSP at ${probe.options.baseUrl} cannot be reached: ${err.message}`);
      }
      throw err;
    }
    return run;
  }

  get capabilities(): Capabilities | undefined {
    return this.#state.capabilities;
  }
  get prefix(): string {
    return this.#state.prefix;
  }

  async #login(): Promise<void> {
    const api = this.#state.api;
    const login = await api.login({
      username: this.#state.username,
      password: this.#state.password,
      ...(this.#state.serviceMode ? { array_ip: this.#state.backend } : {}),
    });
    const token = login.body as Token | undefined;
    if (login.status !== 200 || typeof token?.session_token !== 'string' || token.session_token === '') {
      this.#sessionFailure = {
        ...this.#detail(new CaseFailure(`login failed: POST /tokens answered ${login.status}`, { exchange: login })),
        expected: '200 with a session_token (check the url, username, password and backend)',
      };
      return;
    }
    this.#probe.sessionToken = token.session_token;
    this.#tracker.sessionTokenId = token.id || token.session_token;
    this.#probe.onExchange = (exchange) => {
      this.#requests++;
      this.#tracker.observe(exchange);
    };
    const capabilities = await api.capabilities();
    if (capabilities.status === 200 && !schemaProblem('getCapabilities', 200, capabilities.body)) {
      this.#state.capabilities = capabilities.body as Capabilities;
      this.#state.sizeBytes = effectiveSize(this.#state.sizeBytes, this.#state.capabilities);
    } else if (capabilities.status !== 404) {
      this.#noCapabilities = `GET /capabilities answered ${capabilities.status} without valid capabilities (see extensions.capabilities)`;
    }
  }

  /** Runs one case and removes what it created. Never throws for a CSP's misbehaviour. */
  async runCase(testCase: ConformanceCase): Promise<CaseResult> {
    const started = Date.now();
    const requestsBefore = this.#requests;
    const ctx = new CaseContext(this.#state, testCase.id);
    this.#probe.lastRequest = undefined;
    this.#probe.lastExchange = undefined;
    let result: Omit<CaseResult, 'durationMs' | 'requests'>;
    try {
      result = await this.#execute(testCase, ctx);
    } finally {
      await this.#tracker.cleanup(this.#state.api, testCase.id);
    }
    const done: CaseResult = { ...result, durationMs: Date.now() - started, requests: this.#requests - requestsBefore };
    try {
      await this.#options.hooks?.afterCase?.({ caseId: testCase.id, result: done });
    } catch (err) {
      done.status = 'fail';
      done.failure = { message: `afterCase hook: ${(err as Error).message}` };
    }
    this.#record(done);
    return done;
  }

  /** Records a case that was not started (an interrupted run) as failed. */
  notRun(testCase: ConformanceCase, why: string): CaseResult {
    const result: CaseResult = {
      id: testCase.id,
      area: testCase.area,
      title: testCase.title,
      status: 'fail',
      durationMs: 0,
      requests: 0,
      failure: { message: `not run: ${why}` },
    };
    this.#record(result);
    return result;
  }

  async #execute(testCase: ConformanceCase, ctx: CaseContext): Promise<Omit<CaseResult, 'durationMs' | 'requests'>> {
    const base = { id: testCase.id, area: testCase.area, title: testCase.title };
    if (this.#sessionFailure) {
      return {
        ...base,
        status: 'fail',
        failure: { ...this.#sessionFailure, message: `not run: ${this.#sessionFailure.message}` },
      };
    }
    if (testCase.serviceModeOnly && !this.#state.serviceMode) {
      return { ...base, status: 'not-claimed', note: 'applies to service mode only (--array-ip-header)' };
    }
    const { claimed, why } = this.#claim(testCase);
    const work = claimed ? testCase.run : this.#state.capabilities ? testCase.unclaimed : undefined;
    if (!work) {
      return { ...base, status: 'not-claimed', note: why as string };
    }
    try {
      await work.call(testCase, ctx);
    } catch (err) {
      if (err instanceof NotClaimed) {
        return { ...base, status: 'not-claimed', note: [err.message, ...ctx.notes].join('; ') };
      }
      return { ...base, status: 'fail', failure: this.#detail(err, this.#probe.lastExchange), ...this.#notes(ctx) };
    }
    if (claimed) {
      return { ...base, status: 'pass', ...this.#notes(ctx) };
    }
    return { ...base, status: 'not-claimed', note: [why, ...ctx.notes].join('; ') };
  }

  /** Whether the CSP claims what a case needs (its feature and protocol), and why not. */
  #claim(testCase: ConformanceCase): { claimed: boolean; why: string | undefined } {
    const caps = this.#state.capabilities;
    const { feature, protocol } = testCase;
    const missing = [
      ...(feature !== undefined && caps?.features[feature] !== true ? [`feature ${feature}`] : []),
      ...(protocol !== undefined && !caps?.access_protocols.includes(protocol) ? [`protocol ${protocol}`] : []),
    ];
    if (missing.length === 0) {
      return { claimed: true, why: undefined };
    }
    const why = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not claimed`;
    return { claimed: false, why: caps ? why : `${why} (${this.#noCapabilities})` };
  }

  #notes(ctx: CaseContext): { note?: string } {
    return ctx.notes.length > 0 ? { note: ctx.notes.join('; ') } : {};
  }

  #detail(err: unknown, fallback?: Exchange): CaseFailureDetail {
    const secrets = this.#state.secrets;
    if (err instanceof CaseFailure) {
      const exchange = err.exchange ?? fallback;
      const detail: CaseFailureDetail = { message: secrets.text(err.message) };
      if (err.expected) {
        detail.expected = err.expected;
      }
      if (exchange) {
        detail.request = exchange.request;
        detail.received = { status: exchange.status, body: secrets.mask(exchange.body) };
      }
      return detail;
    }
    const detail: CaseFailureDetail = { message: secrets.text(`${(err as Error).name}: ${(err as Error).message}`) };
    if (this.#probe.lastRequest) {
      detail.request = this.#probe.lastRequest;
    }
    return detail;
  }

  #record(result: CaseResult): void {
    const at = this.results.findIndex((r) => r.id === result.id);
    if (at >= 0) {
      this.results.splice(at, 1, result);
    } else {
      this.results.push(result);
    }
    const mark = result.status === 'pass' ? 'pass' : result.status === 'fail' ? 'FAIL' : 'not claimed';
    this.#options.log?.(`${mark.padEnd(11)} ${result.id} (${result.durationMs} ms)`);
  }

  /** The `cleanup` case: nothing the run created may be left; then the run's session is closed. */
  async finish(): Promise<CaseResult> {
    const started = Date.now();
    const requestsBefore = this.#requests;
    const problems = [...this.#tracker.problems];
    if (!this.#sessionFailure && !this.#finished) {
      try {
        problems.push(...(await findLeftovers(this.#state.api, this.#tracker)));
        const logout = await this.#state.api.logout(this.#tracker.sessionTokenId as string);
        if (logout.status !== 204) {
          problems.push({ message: `logging the suite's session out answered ${logout.status}`, exchange: logout });
        }
      } catch (err) {
        problems.push({ message: `checking for leftovers failed: ${(err as Error).message}` });
      }
    }
    this.#finished = true;
    const result: CaseResult = {
      id: cleanupCase.id,
      area: cleanupCase.area,
      title: cleanupCase.title,
      status: problems.length === 0 ? 'pass' : 'fail',
      durationMs: Date.now() - started,
      requests: this.#requests - requestsBefore,
    };
    const first = problems[0];
    if (first) {
      result.failure = this.#detail(
        new CaseFailure(problems.map((p) => p.message).join('; '), { expected: 'nothing left on the array' }),
        first.exchange,
      );
    }
    try {
      await this.#options.hooks?.afterAll?.({ report: { ...this.report(), results: [...this.results, result] } });
    } catch (err) {
      result.status = 'fail';
      result.failure = { message: `afterAll hook: ${(err as Error).message}` };
    }
    this.#record(result);
    return result;
  }

  report(): ConformanceReport {
    const count = (status: CaseResult['status']) => this.results.filter((r) => r.status === status).length;
    const failed = count('fail');
    return {
      url: this.#probe.options.baseUrl,
      backend: this.#state.backend,
      mode: this.#state.serviceMode ? 'service' : 'direct',
      capabilities: this.#state.secrets.mask(this.#state.capabilities),
      sizeBytes: this.#state.sizeBytes,
      prefix: this.#state.prefix,
      startedAt: new Date(this.#started).toISOString(),
      durationMs: Date.now() - this.#started,
      results: [...this.results],
      summary: { total: this.results.length, passed: count('pass'), failed, notClaimed: count('not-claimed') },
      passed: failed === 0,
    };
  }

  async close(): Promise<void> {
    await this.#probe.close();
  }
}

/** Runs the whole suite (or `options.only`) against a CSP and returns the report. */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const cases = selectCases(allCases, options.only);
  const run = await ConformanceRun.open(options);
  try {
    for (const testCase of cases) {
      if (options.signal?.aborted) {
        run.notRun(testCase, 'the run was interrupted');
      } else {
        await run.runCase(testCase);
      }
    }
    await run.finish();
    return run.report();
  } finally {
    await run.close();
  }
}
