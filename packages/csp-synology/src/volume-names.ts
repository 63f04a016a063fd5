// Volume names on the NAS. A CSI name DSM can hold once escaped (letters, digits, '.', '_', ':'
// and '-', within DSM's 200 characters) is the LUN name behind the prefix, escaped reversibly
// (ids.ts), so `pvc-<uuid>` stays readable in DSM and LUNs named before this scheme keep working.
// Any other CSI name (spaces, '+', '/', non-ASCII, longer) becomes a sanitised readable part plus
// `:h` and 16 hex digits of its SHA-256, and the original is kept in the LUN's description on an
// `opencsp-name:` line (percent-encoded). The nodes the LUN is published to are kept on an
// `opencsp-nodes:` line before it (published-nodes.ts). Escaped names never contain `:h`, so the two forms cannot
// meet; a lookup by name is one LUN get by the derived name and a check of the stored original.
import { digest, escapeName, maxDsmNameLength, type Naming } from './ids.js';

const plainName = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** After the prefix: readable part without ':', then ':h' (an escape never writes a lone ':h'). */
const hashedForm = /^[a-z0-9.-]*:h[0-9a-f]{16}$/;
const nameTag = 'opencsp-name:';
const nodesTag = 'opencsp-nodes:';
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

/** The parts of a LUN description: the user's text and what this CSP keeps after it. */
export interface LunDescription {
  text: string;
  /** The CSI name, kept when the LUN name is hashed. */
  name: string | undefined;
  /** Node target name -> node id of each node the LUN is published to (published-nodes.ts). */
  nodes: Record<string, string>;
}

function parseNodes(encoded: string): Record<string, string> | undefined {
  const nodes: Record<string, string> = {};
  for (const entry of encoded === '' ? [] : encoded.split(',')) {
    const at = entry.indexOf('=');
    if (at <= 0) {
      return undefined;
    }
    try {
      nodes[entry.slice(0, at)] = decodeURIComponent(entry.slice(at + 1));
    } catch {
      return undefined;
    }
  }
  return nodes;
}

/**
 * A LUN description split into the user's text and the lines this CSP keeps after it: an
 * `opencsp-nodes:` line (the published nodes) and, last, an `opencsp-name:` line (the CSI name).
 */
export function readDescription(raw: string | undefined): LunDescription {
  const lines = (raw ?? '').split('\n');
  const parts: LunDescription = { text: raw ?? '', name: undefined, nodes: {} };
  const last = lines.at(-1) ?? '';
  if (last.startsWith(nameTag)) {
    lines.pop();
    try {
      parts.name = decodeURIComponent(last.slice(nameTag.length));
    } catch {
      parts.name = undefined;
    }
    parts.text = lines.join('\n');
  }
  const nodesLine = lines.at(-1) ?? '';
  const nodes = nodesLine.startsWith(nodesTag) ? parseNodes(nodesLine.slice(nodesTag.length)) : undefined;
  if (nodes) {
    lines.pop();
    parts.nodes = nodes;
    parts.text = lines.join('\n');
  }
  return parts;
}

/** A LUN description from its parts (the inverse of readDescription). */
export function composeDescription(parts: LunDescription): string {
  const lines = parts.text === '' ? [] : [parts.text];
  const entries = Object.entries(parts.nodes).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length > 0) {
    lines.push(`${nodesTag}${entries.map(([target, node]) => `${target}=${encodeURIComponent(node)}`).join(',')}`);
  }
  if (parts.name !== undefined) {
    lines.push(`${nameTag}${encodeURIComponent(parts.name)}`);
  }
  return lines.join('\n');
}

/** The LUN description for the user's text and, for a hashed LUN name, the CSI name behind it. */
export function writeDescription(naming: Naming, text: string, lunName: string, csiName: string): string {
  return composeDescription({ text, nodes: {}, name: isHashed(naming, lunName) ? csiName : undefined });
}

/**
 * The CSI name of one of this CSP's volume LUNs (from its name, or from its description when the
 * name is hashed); undefined when the LUN is not one, or a hashed LUN has lost its description.
 */
export function volumeNameOf(naming: Naming, lun: { name: string; description?: string }): string | undefined {
  return isHashed(naming, lun.name) ? readDescription(lun.description).name : naming.csiName(lun.name);
}
