// Errors a run throws before or instead of producing a report.

/** The options cannot work (bad URL, unknown case id, size too small...): nothing was sent. */
export class ConformanceOptionsError extends Error {
  override readonly name = 'ConformanceOptionsError';
}

/** The CSP could not be reached at all (connection refused, DNS, TLS, timeout). */
export class ConformanceUnreachable extends Error {
  override readonly name = 'ConformanceUnreachable';
}
