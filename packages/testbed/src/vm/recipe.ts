// What goes into the VM image, and the hash that names its cache entry. Anything that changes
// the image's content belongs here, so a change makes the next run rebuild on its own; the
// scenario scripts are not part of it (they reach the guest over 9p at run time).
import { createHash } from 'node:crypto';

export interface ImageRecipe {
  /** Bump when the build steps change in a way the fields below do not show. */
  format: number;
  suite: string;
  variant: string;
  packages: string[];
  /** Size of the sparse ext4 image (bytes). */
  imageBytes: number;
  /** The init baked into the image as /sbin/opencsp-e2e-init. */
  init: string;
  /**
   * A second kernel installed beside the suite's own, from this suite of the same mirror (its
   * `linux-image-amd64`), for runs that need what the suite's kernel lacks: bookworm's 6.1 is
   * built without NVME_HOST_AUTH/NVME_TARGET_AUTH, so DH-CHAP runs boot the backports kernel.
   */
  extraKernelSuite?: string;
}

export const INIT_PATH_IN_IMAGE = '/sbin/opencsp-e2e-init';

/** Debian packages of the guest: kernel, initiators (iSCSI, NVMe), multipath, target, filesystems, udev. */
export const GUEST_PACKAGES = [
  'linux-image-amd64',
  'open-iscsi',
  'nvme-cli',
  'multipath-tools',
  'python3-rtslib-fb',
  'e2fsprogs',
  'xfsprogs',
  'btrfs-progs',
  'udev',
  'kmod',
  'iproute2',
  'procps',
  'util-linux',
];

export function defaultRecipe(init: string): ImageRecipe {
  return {
    format: 1,
    suite: 'bookworm',
    variant: 'minbase',
    packages: [...GUEST_PACKAGES],
    imageBytes: 2 * 1024 * 1024 * 1024,
    init,
    extraKernelSuite: 'bookworm-backports',
  };
}

/** A short stable hash of the recipe (package order does not matter). */
export function recipeHash(recipe: ImageRecipe): string {
  const canonical = JSON.stringify({
    format: recipe.format,
    suite: recipe.suite,
    variant: recipe.variant,
    packages: [...recipe.packages].sort(),
    imageBytes: recipe.imageBytes,
    init: recipe.init,
    ...(recipe.extraKernelSuite ? { extraKernelSuite: recipe.extraKernelSuite } : {}),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
