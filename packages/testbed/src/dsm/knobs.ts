// Timing knobs: how long DSM keeps a LUN `is_action_locked` after an operation, how long an
// asynchronous delete takes, when a new snapshot turns Healthy. Tests may change them at run time.

export interface Knobs {
  lockAfterCreateMs: number;
  lockAfterCloneMs: number;
  lockAfterResizeMs: number;
  /** LUN delete is asynchronous: the LUN stays visible (status `deleting`) this long. */
  deleteDelayMs: number;
  /** A new snapshot reports status `Creating` this long, then `Healthy`. */
  snapshotReadyMs: number;
}

export const defaultKnobs: Knobs = {
  lockAfterCreateMs: 100,
  lockAfterCloneMs: 300,
  lockAfterResizeMs: 100,
  deleteDelayMs: 200,
  snapshotReadyMs: 0,
};
