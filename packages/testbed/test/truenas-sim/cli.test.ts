import { OptionsError } from '@opencsp/csp-spec/options';
import { afterEach, describe, expect, it } from 'vitest';
import { startFromArgs, type TrueNasSimulator } from '../../src/truenas/index.js';
import { RawRpc } from './rpc-client.js';

let running: TrueNasSimulator | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('truenas-sim command line', () => {
  it('reports every bad option at once without echoing secrets', async () => {
    const attempt = startFromArgs(['--port', 'x', '--error-rate', '2', '--password', ''], {
      TRUENAS_SIM_PASSWORD: 'hunter2',
    });
    await expect(attempt).rejects.toBeInstanceOf(OptionsError);
    const error = (await attempt.catch((err: unknown) => err)) as OptionsError;
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain('--port "x" must be an integer');
    expect(error.message).toContain('--error-rate "2" must be a number from 0 to 1');
    const secret = (await startFromArgs(['--api-key', 'abc', '--pool-size', 'huge']).catch(
      (err: unknown) => err,
    )) as OptionsError;
    expect(secret.message).toContain('--pool-size "huge" must be a size');
    expect(secret.message).not.toContain('abc');
  });

  it('starts a simulator from flags and environment', async () => {
    const { sim } = await startFromArgs(
      ['--port', '0', '--dataset', 'tank/csi,tank/other', '--version', '26.0.0', '--portal-ip', '127.0.0.1'],
      { TRUENAS_SIM_USERNAME: 'csp', TRUENAS_SIM_PASSWORD: 'sim-password-1' },
    );
    running = sim;
    const rpc = await RawRpc.open((sim as TrueNasSimulator).url('v26.0.0'));
    expect(await rpc.call('auth.login', ['csp', 'sim-password-1'])).toBe(true);
    expect(await rpc.call('system.version')).toBe('TrueNAS-26.0.0');
    expect(await rpc.call('pool.dataset.query', [[['id', 'in', ['tank/csi', 'tank/other']]]])).toHaveLength(2);
    rpc.close();
  });
});
