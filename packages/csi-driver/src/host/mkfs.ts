// mkfs for the filesystems the driver supports. Only ever called on a device blkid found blank; the
// options never force an overwrite (mkfs.xfs and mkfs.btrfs refuse an existing filesystem without
// -f, which is the second line of defence; mkfs.ext4 has no such check, so blkid is the first).
import type { FsType } from '../constants.js';
import { invalidArgument } from '../errors.js';
import { hasControlCharacters } from './redact.js';
import { type Runner, runChecked } from './runner.js';

/** Options that would overwrite an existing filesystem; rejected in fsCreateOptions. */
const forceFlags: Record<FsType, readonly string[]> = {
  ext4: ['-F'],
  xfs: ['-f', '--force'],
  btrfs: ['-f', '--force'],
};

/**
 * Splits `fsCreateOptions` into argv without a shell: whitespace separates words, single or double
 * quotes group a value with spaces. Control characters and unbalanced quotes are rejected.
 */
export function parseCreateOptions(text: string, field = 'fsCreateOptions'): string[] {
  if (hasControlCharacters(text, true)) {
    throw invalidArgument(`${field} contains control characters`);
  }
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) {
        quote = undefined;
      } else {
        current += ch;
      }
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) {
        words.push(current);
        current = '';
        inWord = false;
      }
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) {
    throw invalidArgument(`${field} has an unbalanced ${quote} quote`);
  }
  if (inWord) {
    words.push(current);
  }
  return words;
}

/** Checks parsed create options: options only (the device is ours to add), and no force flags. */
export function validateCreateOptions(fsType: FsType, words: readonly string[], field = 'fsCreateOptions'): void {
  const first = words[0];
  if (first !== undefined && !first.startsWith('-')) {
    throw invalidArgument(`${field} must start with an option, got ${JSON.stringify(first)}`);
  }
  for (const word of words) {
    if (forceFlags[fsType].includes(word)) {
      throw invalidArgument(`${field} must not contain ${word}: the driver never overwrites an existing filesystem`);
    }
  }
}

/** The argv of mkfs for a blank device. ext4 gets `-m 0` unless the options set a reserve. */
export function mkfsArgs(fsType: FsType, device: string, options: readonly string[]): string[] {
  switch (fsType) {
    case 'ext4': {
      const reserve = options.some((o) => o === '-m' || /^-m\d/.test(o)) ? [] : ['-m', '0'];
      return ['-q', ...reserve, ...options, device];
    }
    case 'xfs':
      return ['-q', ...options, device];
    case 'btrfs':
      return ['-q', ...options, device];
  }
}

/** Formats a blank device. Never killed on a timer: an interrupted mkfs leaves a half-made fs. */
export async function makeFilesystem(
  runner: Runner,
  fsType: FsType,
  device: string,
  options: readonly string[],
): Promise<void> {
  await runChecked(runner, `mkfs.${fsType}`, mkfsArgs(fsType, device, options), {
    timeoutMs: null,
    context: `formatting ${device} as ${fsType}`,
  });
}
