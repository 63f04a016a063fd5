// Secret redaction for command lines and command output. CHAP passwords travel in iscsiadm argv and
// mount flags may carry credentials, so anything shown to a user or a log goes through here.

export const redacted = '<redacted>';

/** Replaces every occurrence of each non-empty secret in `text`. */
export function redactText(text: string, secrets?: readonly string[]): string {
  if (!secrets || secrets.length === 0) {
    return text;
  }
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(redacted);
  }
  return out;
}

/** Mount flags without a value that are safe to show; anything else hides the whole option string. */
const safeFlags = new Set([
  'ro',
  'rw',
  'bind',
  'remount',
  'defaults',
  'nouuid',
  'noatime',
  'nodiratime',
  'relatime',
  'strictatime',
  'lazytime',
  'nosuid',
  'nodev',
  'noexec',
  'sync',
  'async',
  'discard',
  'nodiscard',
  'dirsync',
  'nobarrier',
  '_netdev',
]);

/** True when an `-o` option string holds only well-known flags and can be logged as is. */
export function mountOptionsAreSafe(options: readonly string[]): boolean {
  return options.every((o) => safeFlags.has(o));
}

/** True when `text` has ASCII control characters (tab allowed when `allowTab`). */
export function hasControlCharacters(text: string, allowTab = false): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && !(allowTab && c === 0x09)) || c === 0x7f) {
      return true;
    }
  }
  return false;
}
