// The CSP fuzz run (issue 12): a few thousand generated requests against a CSP in front of its
// array simulator, one at a time so a seed replays the same run (FUZZ_SEED=<seed>). Every answer
// must be below 500 (except the contract's 501 for an unclaimed feature and 507 for space), every
// error must be the contract's error body, and no answer may repeat a secret. Afterwards the run
// removes what its requests created, through the contract, and the array's leak audit must be
// empty.
import { CspClient, StaticToken } from '@opencsp/csp-spec/client';
import { contractErrorProblem, type RawTarget, rawHttp } from '@opencsp/csp-spec/testing';
import { Agent, request } from 'undici';
import { Rng } from './random.js';
import { rawRequest } from './raw.js';
import { contractRequest, type FuzzRequest, type FuzzState, fuzzSecrets } from './requests.js';

export interface FuzzTarget {
  /** CSP base URL with /containers/v1 (https). */
  baseUrl: string;
  /** CA of the CSP's certificate. */
  ca: string;
  credentials: { username: string; password: string };
  /** The array under test, as array_ip names it. */
  arrayIp: string;
  /** array_ip values the CSP must refuse before contacting anything. */
  refusedArrayIps: string[];
  config: FuzzState['config'];
  /** The array simulator's leak audit, one line per object left; [] when clean. */
  audit(): Promise<string[]>;
}

export interface FuzzReport {
  seed: number;
  sent: number;
  /** Answers by status class, e.g. { '2xx': 812, '4xx': 1188 }. */
  classes: Record<string, number>;
  failures: string[];
  leftovers: string[];
}

/** FUZZ_TRACE=1 prints every contract request and its answer (to follow a finding's replay). */
const trace = process.env.FUZZ_TRACE === '1';

/** Statuses of the 5xx class that the contract allows for some requests. */
function allowedServerError(status: number, body: string): boolean {
  if (status !== 501 && status !== 507) {
    return false;
  }
  const reason = (JSON.parse(body) as { errors?: Array<{ reason?: string }> }).errors?.[0]?.reason;
  return status === 501 ? reason === 'NOT_IMPLEMENTED' : reason === 'OUT_OF_SPACE' || reason === 'LIMIT_EXCEEDED';
}

function show(req: FuzzRequest | string, password: string): string {
  const text = typeof req === 'string' ? req : `${req.method} ${req.path} ${req.body ?? ''}`;
  return text
    .replaceAll(password, '<password>')
    .slice(0, 300)
    .replace(/[^\x20-\x7e]/g, '?');
}

class Run {
  readonly #target: FuzzTarget;
  readonly #agent: Agent;
  readonly #origin: string;
  readonly #raw: RawTarget;
  readonly state: FuzzState;
  readonly report: FuzzReport;

  constructor(target: FuzzTarget, seed: number) {
    this.#target = target;
    const url = new URL(target.baseUrl);
    this.#origin = url.origin;
    this.#raw = { host: url.hostname, port: Number(url.port), tls: { ca: target.ca, servername: 'localhost' } };
    this.#agent = new Agent({ connect: { ca: target.ca }, connections: 4 });
    this.state = {
      token: '',
      credentials: target.credentials,
      arrayIps: [target.arrayIp, ...target.refusedArrayIps],
      volumes: [],
      snapshots: [],
      hosts: [],
      config: target.config,
    };
    this.report = { seed, sent: 0, classes: {}, failures: [], leftovers: [] };
  }

  #fail(what: string): void {
    if (this.report.failures.length < 25) {
      this.report.failures.push(`seed ${this.report.seed}, request ${this.report.sent}: ${what}`);
    }
  }

  #check(status: number, body: string, sent: string, head: boolean): void {
    const cls = `${Math.floor(status / 100)}xx`;
    this.report.classes[cls] = (this.report.classes[cls] ?? 0) + 1;
    if (status >= 500 && !allowedServerError(status, body)) {
      this.#fail(`${status} ${body.slice(0, 200)} for ${sent}`);
    }
    if (status >= 400 && !head) {
      const problem = contractErrorProblem(status, body);
      if (problem) {
        this.#fail(`${status} not in the contract's error shape (${problem}) for ${sent}`);
      }
    }
    for (const secret of [this.#target.credentials.password, ...fuzzSecrets]) {
      if (body.includes(secret)) {
        this.#fail(`an answer repeats a secret, for ${sent}`);
      }
    }
  }

  async login(): Promise<void> {
    const response = await request(`${this.#origin}/containers/v1/tokens`, {
      method: 'POST',
      dispatcher: this.#agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...this.#target.credentials, array_ip: this.#target.arrayIp }),
    });
    const answer = (await response.body.json()) as { session_token?: string };
    if (response.statusCode !== 200 || !answer.session_token) {
      throw new Error(`the fuzz run cannot log in: ${response.statusCode}`);
    }
    this.state.token = answer.session_token;
  }

  #learn(req: FuzzRequest, status: number, body: string): void {
    if (status === 401 && req.headers['x-auth-token'] === this.state.token) {
      this.state.token = ''; // logged out by a DELETE /tokens, or expired: log in again
      return;
    }
    if (status !== 200) {
      return;
    }
    const answer = JSON.parse(body) as { id?: string; uuid?: string };
    if (req.operationId === 'createVolume' && answer.id && !this.state.volumes.includes(answer.id)) {
      this.state.volumes.push(answer.id);
    } else if (req.operationId === 'createSnapshot' && answer.id && !this.state.snapshots.includes(answer.id)) {
      this.state.snapshots.push(answer.id);
    } else if (req.operationId === 'upsertHost' && answer.uuid && !this.state.hosts.includes(answer.uuid)) {
      this.state.hosts.push(answer.uuid);
    }
  }

  async contract(rng: Rng): Promise<void> {
    const req = contractRequest(rng, this.state);
    const sent = show(req, this.#target.credentials.password);
    try {
      const response = await request(`${this.#origin}${req.path}`, {
        method: req.method as 'GET',
        dispatcher: this.#agent,
        headers: req.headers,
        ...(req.body === undefined ? {} : { body: req.body }),
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
      const body = await response.body.text();
      this.#check(response.statusCode, body, sent, req.method === 'HEAD');
      if (trace) {
        console.log(
          `fuzz ${this.report.sent}: ${response.statusCode} ${sent} => ${show(body, this.#target.credentials.password)}`,
        );
      }
      this.#learn(req, response.statusCode, body);
    } catch (err) {
      this.#fail(`no answer (${(err as Error).message}) for ${sent}`);
    }
  }

  async raw(rng: Rng): Promise<void> {
    const text = rawRequest(rng, this.state.token);
    const sent = show(text, this.#target.credentials.password);
    if (trace) {
      console.log(`fuzz ${this.report.sent}: raw ${JSON.stringify(text.slice(0, 200))}`);
    }
    try {
      const response = await rawHttp(this.#raw, Buffer.from(text, 'latin1'), 30_000);
      if (!response) {
        this.#fail(`the connection closed without an answer, for ${sent}`);
        return;
      }
      this.#check(response.status, response.body, sent, text.startsWith('HEAD '));
    } catch (err) {
      this.#fail(`no answer (${(err as Error).message}) for ${sent}`);
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

async function quietly(work: () => Promise<unknown>): Promise<void> {
  await work().catch(() => undefined);
}

/** Removes everything the run's requests left, through the contract (clones before their sources, group snapshots before volumes, volumes before their groups). */
async function removeCreated(target: FuzzTarget, hosts: string[]): Promise<void> {
  const client = new CspClient({
    baseUrl: target.baseUrl,
    arrayIp: target.arrayIp,
    retries: 0,
    tls: { ca: target.ca },
  });
  try {
    const token = await client.login({ ...target.credentials, array_ip: target.arrayIp });
    client.useTokens(new StaticToken(token.session_token));
    const groups = await client.listVolumeGroups().catch(() => []); // 501 where the CSP has none
    for (const group of groups) {
      for (const snapshotGroup of await client.listSnapshotGroups(group.id).catch(() => [])) {
        await quietly(() => client.deleteSnapshotGroup(snapshotGroup.id));
      }
    }
    for (let pass = 0; pass < 6; pass++) {
      const volumes = (await client.listVolumes()).items;
      if (volumes.length === 0) {
        break;
      }
      for (const volume of volumes) {
        for (const host of hosts) {
          await quietly(() => client.unpublishVolume(volume.id, { host_uuid: host }));
        }
        for (const snapshot of (await client.listSnapshots({ volumeId: volume.id }).catch(() => ({ items: [] })))
          .items) {
          await quietly(() => client.deleteSnapshot(snapshot.id));
        }
        await quietly(() => client.deleteVolume(volume.id, { force: true }));
      }
    }
    for (const group of groups) {
      await quietly(() => client.deleteVolumeGroup(group.id));
    }
    for (const host of hosts) {
      await quietly(() => client.deleteHostByUuid(host));
    }
    await quietly(() => client.logout(token.session_token));
  } finally {
    await client.close();
  }
}

/** Sends `count` generated requests (about a third at byte level), then cleans up and audits. */
export async function fuzzCsp(target: FuzzTarget, seed: number, count: number): Promise<FuzzReport> {
  const rng = new Rng(seed);
  const run = new Run(target, seed);
  try {
    for (; run.report.sent < count; run.report.sent++) {
      if (run.state.token === '') {
        await run.login();
      }
      if (rng.chance(0.3)) {
        await run.raw(rng);
      } else {
        await run.contract(rng);
      }
    }
  } finally {
    await run.close();
  }
  const hosts = [...new Set([...run.state.hosts, ...Array.from({ length: 4 }, (_, i) => `fz-host-${i}`)])];
  await removeCreated(target, hosts);
  run.report.leftovers = await target.audit();
  return run.report;
}
