// Runs a host tool in the guest: argv only (no shell), a timeout, accepted exit codes, and
// secrets blanked out of every message.
import { spawn } from 'node:child_process';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ToolOptions {
  okCodes?: number[];
  timeoutMs?: number;
  secrets?: string[];
}

export function redact(text: string, secrets: string[]): string {
  return secrets.filter(Boolean).reduce((out, secret) => out.split(secret).join('***'), text);
}

export function tool(command: string, args: string[], options: ToolOptions = {}): Promise<ToolResult> {
  const okCodes = options.okCodes ?? [0];
  const secrets = options.secrets ?? [];
  const shown = redact([command, ...args].join(' '), secrets);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${shown}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== null && okCodes.includes(code)) {
        resolve({ code, stdout, stderr });
        return;
      }
      const why = signal ? `killed by ${signal}` : `exit ${code}`;
      reject(new Error(redact(`${shown}: ${why}: ${stderr.trim().split('\n').slice(-2).join(' / ')}`, secrets)));
    });
  });
}
