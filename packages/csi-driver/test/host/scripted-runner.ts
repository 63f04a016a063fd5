import { displayCommand, type Runner, type RunOptions, type RunResult } from '../../src/host/runner.js';

export interface Reply {
  code?: number;
  stdout?: string;
  stderr?: string;
  timedOut?: boolean;
}

/** A Runner that answers from a script: the first rule whose predicate matches wins. */
export class ScriptedRunner implements Runner {
  readonly calls: { cmd: string; args: string[]; display: string }[] = [];
  private readonly rules: { match: (cmd: string, args: readonly string[]) => boolean; reply: Reply; times: number }[] =
    [];

  on(match: (cmd: string, args: readonly string[]) => boolean, reply: Reply, times = Number.POSITIVE_INFINITY): this {
    this.rules.push({ match, reply, times });
    return this;
  }

  async run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const display = displayCommand(cmd, args, options);
    this.calls.push({ cmd, args: [...args], display });
    const rule = this.rules.find((r) => r.times > 0 && r.match(cmd, args));
    if (rule) {
      rule.times--;
    }
    const reply = rule?.reply ?? { code: 0 };
    return {
      command: display,
      code: reply.timedOut ? null : (reply.code ?? 0),
      signal: reply.timedOut ? 'SIGKILL' : null,
      stdout: reply.stdout ?? '',
      stderr: reply.stderr ?? '',
      timedOut: reply.timedOut ?? false,
    };
  }
}
