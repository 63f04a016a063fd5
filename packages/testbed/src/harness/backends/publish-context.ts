// Reading the publish context the way a node does, for the fixtures' LUN sources: a missing key
// is the INVALID_ARGUMENT the real node answers.
import { DriverError, type StringMap } from '@opencsp/csi-driver/node';

export function contextField(publishContext: StringMap, key: string): string {
  const value = publishContext[key];
  if (!value) {
    throw new DriverError('InvalidArgument', `publish_context.${key} is missing`);
  }
  return value;
}

/** The target names of a publish context (`targetNames` is comma-separated). */
export function contextTargets(publishContext: StringMap): string[] {
  return contextField(publishContext, 'targetNames')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
