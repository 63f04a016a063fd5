// A CSP whose capabilities cannot be read turns LIST_VOLUMES_PUBLISHED_NODES, MODIFY_VOLUME and
// the group snapshot capabilities off (safe), and the controller says why: one warning per CSP per
// failure streak, not per RPC or per service asking.
import type { AddressInfo } from 'node:net';
import { buildCspApp, type CspApp } from '@opencsp/csp-spec/server';
import { MemoryProvider } from '@opencsp/csp-spec/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { currentControllerCapabilities } from '../../src/controller/index.js';
import { CspSessions } from '../../src/csp/sessions.js';
import { groupSnapshotsOffered } from '../../src/identity.js';

/** A memory CSP whose GET /capabilities fails while `broken` is set. */
class FlakyProvider extends MemoryProvider {
  broken = true;
  override async openSession(credentials: Parameters<MemoryProvider['openSession']>[0]) {
    const session = await super.openSession(credentials);
    const capabilities = session.capabilities.bind(session);
    session.capabilities = async () => {
      if (this.broken) {
        throw new Error('capabilities store offline');
      }
      return capabilities();
    };
    return session;
  }
}

let app: CspApp | undefined;
let sessions: CspSessions | undefined;
afterEach(async () => {
  await sessions?.close();
  await app?.shutdown();
});

interface Line {
  level: number;
  msg: string;
  csp?: string;
  err?: string;
}

async function setup() {
  const provider = new FlakyProvider();
  app = await buildCspApp({ provider, logger: pino({ level: 'silent' }), docs: false });
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.app.server.address() as AddressInfo).port;
  sessions = new CspSessions({ timeoutMs: 5000, tlsInsecure: false, ca: undefined, retries: 0, plainHttp: true });
  const { username, password } = provider;
  sessions.forSecrets({ backend: 'array-9', username, password, serviceName: '127.0.0.1', servicePort: String(port) });
  const lines: Line[] = [];
  const logger = pino({ level: 'info' }, { write: (text: string) => lines.push(JSON.parse(text) as Line) });
  return { provider, ctx: { sessions, logger }, lines, password };
}

describe('capabilities of a CSP that cannot be read', () => {
  it('drops the CSP-dependent capabilities and warns once per failure streak, naming the CSP', async () => {
    const { provider, ctx, lines, password } = await setup();
    for (let i = 0; i < 3; i++) {
      const caps = await currentControllerCapabilities(ctx);
      expect(caps).not.toContain('MODIFY_VOLUME');
      expect(caps).not.toContain('LIST_VOLUMES_PUBLISHED_NODES');
    }
    expect(lines).toHaveLength(1);
    const warning = lines[0];
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toBe(
      'cannot read the CSP capabilities: LIST_VOLUMES_PUBLISHED_NODES, MODIFY_VOLUME and GROUP_CONTROLLER_SERVICE are not advertised until it answers',
    );
    expect(warning?.csp).toMatch(/^CSP http:\/\/127\.0\.0\.1:\d+\/containers\/v1 \(backend array-9\)$/);
    expect(warning?.err).toMatch(/read the capabilities of CSP/);
    expect(JSON.stringify(lines)).not.toContain(password);

    provider.broken = false;
    expect(await currentControllerCapabilities(ctx)).toContain('MODIFY_VOLUME');
    expect(lines.map((l) => l.msg).slice(1)).toEqual(['CSP capabilities readable again']);
  });

  it('drops the group snapshot capabilities too, in the same streak as the controller capabilities', async () => {
    const { provider, ctx, lines, password } = await setup();
    // --group-snapshots does not override what a known CSP says, nor a CSP that cannot say it.
    expect(await groupSnapshotsOffered(ctx.sessions, true, ctx.logger)).toBe(false);
    expect(await groupSnapshotsOffered(ctx.sessions, true, ctx.logger)).toBe(false);
    expect(await currentControllerCapabilities(ctx)).not.toContain('MODIFY_VOLUME');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe(40);
    expect(lines[0]?.msg).toMatch(/GROUP_CONTROLLER_SERVICE are not advertised until it answers$/);
    expect(lines[0]?.csp).toMatch(/\(backend array-9\)$/);
    expect(JSON.stringify(lines)).not.toContain(password);

    provider.broken = false;
    expect(await groupSnapshotsOffered(ctx.sessions, false, ctx.logger)).toBe(true);
    expect(await currentControllerCapabilities(ctx)).toContain('MODIFY_VOLUME');
    expect(lines.map((l) => l.msg).slice(1)).toEqual(['CSP capabilities readable again']);
  });
});
