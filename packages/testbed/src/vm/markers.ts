// Parses the markers the guest prints on its serial console:
//   E2E-STEP <name> <seconds> [ok|FAIL|skipped]   one per step; names with a '/' are parts of the
//                                                  next top-level step (printed before it ends)
//   E2E-ERROR <text>                               why a step failed
//   E2E-RESULT PASS|FAIL <reason>                  the verdict, printed once before power-off
// Kernel messages can share the console, so markers are found anywhere in a line.

export type StepStatus = 'ok' | 'FAIL' | 'skipped';

export interface Step {
  name: string;
  seconds: number;
  status: StepStatus;
  parts: Step[];
}

export interface GuestResult {
  pass: boolean;
  reason: string;
}

export type MarkerEvent =
  | { kind: 'step'; step: Step }
  | { kind: 'error'; text: string }
  | { kind: 'result'; result: GuestResult };

const STEP = /E2E-STEP (\S+) (\d+(?:\.\d+)?)(?: (ok|FAIL|skipped))?/;
const ERROR = /E2E-ERROR (.*)$/;
const RESULT = /E2E-RESULT (PASS|FAIL)\b ?(.*)$/;

/** Parses one console line; undefined when it holds no marker. */
export function parseMarkerLine(line: string): MarkerEvent | { kind: 'part'; step: Step } | undefined {
  const clean = line.replace(/\r/g, '');
  const result = RESULT.exec(clean);
  if (result) {
    return { kind: 'result', result: { pass: result[1] === 'PASS', reason: (result[2] ?? '').trim() } };
  }
  const error = ERROR.exec(clean);
  if (error) {
    return { kind: 'error', text: (error[1] ?? '').trim() };
  }
  const step = STEP.exec(clean);
  if (step?.[1] && step[2]) {
    const parsed: Step = {
      name: step[1],
      seconds: Number(step[2]),
      status: (step[3] as StepStatus | undefined) ?? 'ok',
      parts: [],
    };
    return parsed.name.includes('/') ? { kind: 'part', step: parsed } : { kind: 'step', step: parsed };
  }
  return undefined;
}

/** Incremental parser for a growing console log: push chunks, get the events they complete. */
export class MarkerParser {
  readonly steps: Step[] = [];
  readonly errors: string[] = [];
  result: GuestResult | undefined;
  private partial = '';
  private pendingParts: Step[] = [];

  push(chunk: string): MarkerEvent[] {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.flatMap((line) => this.line(line));
  }

  /** Flushes a last line that had no newline (the console may stop mid-line). */
  end(): MarkerEvent[] {
    const rest = this.partial;
    this.partial = '';
    return rest ? this.line(rest) : [];
  }

  private line(line: string): MarkerEvent[] {
    const event = parseMarkerLine(line);
    if (!event) {
      return [];
    }
    switch (event.kind) {
      case 'part':
        this.pendingParts.push(event.step);
        return [];
      case 'step':
        event.step.parts = this.pendingParts;
        this.pendingParts = [];
        this.steps.push(event.step);
        return [event];
      case 'error':
        this.errors.push(event.text);
        return [event];
      case 'result':
        this.result ??= event.result;
        return [event];
    }
  }
}

/** Parses a whole console log at once. */
export function parseConsoleLog(text: string): { steps: Step[]; errors: string[]; result: GuestResult | undefined } {
  const parser = new MarkerParser();
  parser.push(text);
  parser.end();
  return { steps: parser.steps, errors: parser.errors, result: parser.result };
}

/** A guest run passes only with a PASS verdict and no failed step. */
export function guestPassed(steps: Step[], result: GuestResult | undefined): boolean {
  return result?.pass === true && steps.length > 0 && steps.every((s) => s.status === 'ok');
}
