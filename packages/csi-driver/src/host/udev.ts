// udevadm settle: waits until udev has processed queued events (by-path links, dm names). A failure
// or timeout is not an error by itself; callers poll for what they need with their own deadline.
import type { Runner } from './runner.js';

export async function udevSettle(runner: Runner, timeoutSeconds = 5): Promise<void> {
  await runner.run('udevadm', ['settle', `--timeout=${timeoutSeconds}`], { timeoutMs: (timeoutSeconds + 5) * 1000 });
}
