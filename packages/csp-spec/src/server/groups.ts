// Rules every CSP with snapshot groups shares.
import { CspProblem } from './errors.js';

/** INVALID_INPUT naming `body.volume_ids` when the expected volumes are not exactly the members. */
export function checkMembers(expected: readonly string[], members: readonly string[], groupId: string): void {
  const extra = members.filter((id) => !expected.includes(id));
  const missing = expected.filter((id) => !members.includes(id));
  if (extra.length === 0 && missing.length === 0) {
    return;
  }
  const parts = [
    ...(extra.length > 0 ? [`also holds ${extra.join(', ')}`] : []),
    ...(missing.length > 0 ? [`does not hold ${missing.join(', ')}`] : []),
  ];
  throw new CspProblem(
    'INVALID_INPUT',
    `body.volume_ids: volume group ${groupId} ${parts.join(' and ')}; a snapshot group covers exactly the volumes of its group`,
    { field: 'body.volume_ids' },
  );
}
