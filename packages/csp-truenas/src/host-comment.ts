// How opencsp names its iSCSI initiator groups on the array: host groups carry the comment
// `opencsp:host:<uuid>[ chap:<user>|mchap:<user>]` (the uuid is replaced by `sha256.<hash>` when the
// comment would pass 120 characters), a volume's own group `opencsp:volume:<target>`.
import { createHash } from 'node:crypto';

export const hostPrefix = 'opencsp:host:';
export const volumePrefix = 'opencsp:volume:';
export const maxComment = 120;

export interface InitiatorGroup {
  id: number;
  initiators: string[];
  comment: string;
}

export interface HostRecord {
  key: string;
  chapUser: string | undefined;
  mutual: boolean;
}

export function hashedKey(uuid: string): string {
  return `sha256.${createHash('sha256').update(uuid).digest('hex').slice(0, 32)}`;
}

function chapSuffix(chap: { user: string; mutual: boolean } | undefined): string {
  return chap ? ` ${chap.mutual ? 'mchap' : 'chap'}:${chap.user}` : '';
}

export function hostComment(uuid: string, chap?: { user: string; mutual: boolean }): string {
  const suffix = chapSuffix(chap);
  const plain = `${hostPrefix}${uuid}${suffix}`;
  return plain.length <= maxComment ? plain : `${hostPrefix}${hashedKey(uuid)}${suffix}`;
}

export function parseHostComment(comment: string): HostRecord | undefined {
  if (!comment.startsWith(hostPrefix)) {
    return undefined;
  }
  const [key, chap] = comment.slice(hostPrefix.length).split(' ') as [string, string | undefined];
  const match = chap ? /^(m?chap):(.+)$/.exec(chap) : null;
  return { key, chapUser: match?.[2], mutual: match?.[1] === 'mchap' };
}

/** Server-side filter for the host group of `uuid` (or of a host id), whichever key it uses. */
export function hostFilters(uuid: string): unknown[] {
  return [hostPrefix + uuid, hostPrefix + hashedKey(uuid)].flatMap((key) => [
    ['comment', '=', key],
    ['comment', '^', `${key} `],
  ]);
}

export function isHostOf(group: InitiatorGroup, uuid: string): boolean {
  const record = parseHostComment(group.comment);
  return record !== undefined && (record.key === uuid || record.key === hashedKey(uuid));
}
