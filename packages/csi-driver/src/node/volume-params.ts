// Per-volume settings the controller passes in the publish context (docs/architecture.md), with the
// volume context as a fallback: fsCreateOptions, fsOwner, fsMode, readOnly.
import { publishContext as keys } from '../constants.js';
import { invalidArgument } from '../errors.js';
import type { StringMap } from './messages.js';

export interface VolumeParams {
  readonly fsType?: string;
  readonly fsCreateOptions: string;
  readonly fsOwner?: { readonly uid: number; readonly gid: number; readonly text: string };
  readonly fsMode?: { readonly mode: number; readonly text: string };
  readonly readOnly: boolean;
}

function pick(key: string, ...maps: (StringMap | null | undefined)[]): string | undefined {
  for (const map of maps) {
    const value = map?.[key];
    if (value !== undefined && value !== '') {
      return value;
    }
  }
  return undefined;
}

/** `uid:gid` (numbers; names would need the host's passwd database). */
export function parseFsOwner(text: string): { uid: number; gid: number; text: string } {
  const m = /^(\d{1,10}):(\d{1,10})$/.exec(text.trim());
  const uid = Number(m?.[1]);
  const gid = Number(m?.[2]);
  if (!m || uid > 0xfffffffe || gid > 0xfffffffe) {
    throw invalidArgument(`fsOwner ${JSON.stringify(text)} must be numeric "uid:gid"`);
  }
  return { uid, gid, text: `${uid}:${gid}` };
}

/** Octal permission bits such as 0770 or 2775 (setgid allowed). */
export function parseFsMode(text: string): { mode: number; text: string } {
  const m = /^0?([0-7]{3,4})$/.exec(text.trim());
  if (!m?.[1]) {
    throw invalidArgument(`fsMode ${JSON.stringify(text)} must be octal permission bits such as 0770`);
  }
  return { mode: Number.parseInt(m[1], 8), text: m[1].length === 3 ? `0${m[1]}` : m[1] };
}

export function parseReadOnly(text: string | undefined): boolean {
  if (text === undefined) {
    return false;
  }
  const v = text.trim().toLowerCase();
  if (v === 'true' || v === 'yes' || v === '1') {
    return true;
  }
  if (v === 'false' || v === 'no' || v === '0' || v === '') {
    return false;
  }
  throw invalidArgument(`readOnly ${JSON.stringify(text)} must be true or false`);
}

export function volumeParams(publishContext: StringMap | null, volumeContext: StringMap | null): VolumeParams {
  const owner = pick(keys.fsOwner, publishContext, volumeContext);
  const mode = pick(keys.fsMode, publishContext, volumeContext);
  return {
    fsType: pick(keys.fsType, publishContext, volumeContext),
    fsCreateOptions: pick(keys.fsCreateOptions, publishContext, volumeContext) ?? '',
    fsOwner: owner === undefined ? undefined : parseFsOwner(owner),
    fsMode: mode === undefined ? undefined : parseFsMode(mode),
    readOnly: parseReadOnly(pick(keys.readOnly, publishContext, volumeContext)),
  };
}
