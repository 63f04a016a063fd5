// Volume names on the NAS. A CSI name DSM can hold once escaped (letters, digits, '.', '_', ':'
// and '-', within DSM's 200 characters) is the LUN name behind the prefix, escaped reversibly
// (ids.ts), so `pvc-<uuid>` stays readable in DSM and LUNs named before this scheme keep working.
// Any other CSI name (spaces, '+', '/', non-ASCII, longer) becomes a sanitised readable part plus
// `:h` and 16 hex digits of its SHA-256, and the original is kept in the LUN's description on an
// `opencsp-name:` line (percent-encoded). Escaped names never contain `:h`, so the two forms cannot
// meet; a lookup by name is one LUN get by the derived name and a check of the stored original.
import { digest, escapeName, maxDsmNameLength, type Naming } from './ids.js';

const plainName = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** After the prefix: readable part without ':', then ':h' (an escape never writes a lone ':h'). */
const hashedForm = /^[a-z0-9.-]*:h[0-9a-f]{16}$/;
const nameTag = 'opencsp-name:';
/** Readable characters kept in a hashed LUN name. */
const readableBudget = 64;

/** The LUN name of a CSI volume name. */
export function lunNameOf(naming: Naming, csiName: string): string {
  const escaped = `${naming.prefix}${escapeName(csiName)}`;
  if (plainName.test(csiName) && escaped.length <= maxDsmNameLength) {
    return escaped;
  }
  const readable = csiName
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, readableBudget)
    .replace(/[^a-z0-9]+$/, '');
  return `${naming.prefix}${readable || 'v'}:h${digest(csiName, 16)}`;
}

/** Whether the CSI name lives in the description (the LUN name is the hashed form). */
export function isHashed(naming: Naming, lunName: string): boolean {
  return lunName.startsWith(naming.prefix) && hashedForm.test(lunName.slice(naming.prefix.length));
}

/** Whether a LUN is one of this CSP's volumes (by its name alone). */
export function isVolumeLun(naming: Naming, lunName: string): boolean {
  return isHashed(naming, lunName) || naming.csiName(lunName) !== undefined;
}

/** A LUN description split into the user's text and the CSI name stored with it. */
export function readDescription(raw: string | undefined): { text: string; name: string | undefined } {
  const lines = (raw ?? '').split('\n');
  const last = lines.at(-1) ?? '';
  if (!last.startsWith(nameTag)) {
    return { text: raw ?? '', name: undefined };
  }
  let name: string | undefined;
  try {
    name = decodeURIComponent(last.slice(nameTag.length));
  } catch {
    name = undefined;
  }
  return { text: lines.slice(0, -1).join('\n'), name };
}

/** The LUN description for the user's text and, for a hashed LUN name, the CSI name behind it. */
export function writeDescription(naming: Naming, text: string, lunName: string, csiName: string): string {
  if (!isHashed(naming, lunName)) {
    return text;
  }
  const tag = `${nameTag}${encodeURIComponent(csiName)}`;
  return text === '' ? tag : `${text}\n${tag}`;
}

/**
 * The CSI name of one of this CSP's volume LUNs (from its name, or from its description when the
 * name is hashed); undefined when the LUN is not one, or a hashed LUN has lost its description.
 */
export function volumeNameOf(naming: Naming, lun: { name: string; description?: string }): string | undefined {
  return isHashed(naming, lun.name) ? readDescription(lun.description).name : naming.csiName(lun.name);
}
