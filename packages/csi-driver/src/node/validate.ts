// Request checks shared by the node RPCs: InvalidArgument naming the field, before anything changes.
import { limits } from '../constants.js';
import { invalidArgument } from '../errors.js';
import { hasControlCharacters } from '../host/redact.js';

export function requireVolumeId(volumeId: string | undefined): string {
  if (!volumeId) {
    throw invalidArgument('volumeId not provided');
  }
  if (Buffer.byteLength(volumeId) > limits.volumeIdBytes) {
    throw invalidArgument(`volumeId is longer than ${limits.volumeIdBytes} bytes`);
  }
  return volumeId;
}

/** An absolute, normalised path without `..` segments or control characters. */
export function requirePath(value: string | undefined, field: string): string {
  if (!value) {
    throw invalidArgument(`${field} not provided`);
  }
  if (!value.startsWith('/')) {
    throw invalidArgument(`${field} must be an absolute path`);
  }
  if (hasControlCharacters(value) || value.split('/').includes('..')) {
    throw invalidArgument(`${field} contains '..' or control characters`);
  }
  return value.length > 1 ? value.replace(/\/+$/, '') : value;
}
