// The logger the node service writes to: the subset of pino it uses, so main.ts passes a pino
// child and tests pass nothing. Never log secrets or mount flags.

export interface NodeLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const noop = () => {};

export const silentLogger: NodeLogger = { debug: noop, info: noop, warn: noop, error: noop };
