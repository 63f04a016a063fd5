// Byte counts as people read them (binary units, as Kubernetes quantities use).

const steps = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < steps.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) {
    return `${value} B`;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2);
  return `${text} ${steps[unit]}`;
}

/** The Kubernetes quantity of a size (`1Gi`, `512Mi`), or plain bytes. */
export function formatQuantity(bytes: number): string {
  for (const [suffix, unit] of [
    ['Ti', 1024 ** 4],
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024],
  ] as const) {
    if (bytes % unit === 0) {
      return `${bytes / unit}${suffix}`;
    }
  }
  return String(bytes);
}
