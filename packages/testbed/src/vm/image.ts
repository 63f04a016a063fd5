// Builds the VM image once and caches it under <cache>/images/<recipe hash>/: a debootstrap
// rootfs made into a sparse ext4 image with `mkfs.ext4 -d` (no loop mount needed), plus the
// kernel and initrd taken out of it. Later runs reuse it; a changed recipe or --rebuild makes a
// new one. The Debian mirror is the one apt on this machine is configured with. A recipe with an
// extra kernel suite also installs that suite's kernel (apt-get in a chroot) and keeps it beside
// the default one as vmlinuz.extra / initrd.extra.img.
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { debianMirror, readAptSources } from './apt-sources.js';
import type { Cleanup } from './cleanup.js';
import { BUILD_TOOLS, ensureHostTools } from './host-tools.js';
import { removeMountsBelow, removeTree } from './mounts.js';
import { runCommand } from './proc.js';
import { type ImageRecipe, INIT_PATH_IN_IMAGE, recipeHash } from './recipe.js';

export interface VmImage {
  dir: string;
  kernel: string;
  initrd: string;
  rootfs: string;
  manifest: ImageManifest;
  /** The recipe's extra kernel (same rootfs, its modules installed too), when it has one. */
  extraKernel?: { kernel: string; initrd: string; version: string };
}

export interface ImageManifest {
  hash: string;
  suite: string;
  packages: string[];
  kernelVersion: string;
  /** Version of the extra kernel (from the recipe's extraKernelSuite), when there is one. */
  extraKernelVersion?: string;
  builtAt: string;
  debootstrapSeconds: number;
  imageSeconds: number;
}

export interface ImageTimings {
  toolsSeconds: number;
  debootstrapSeconds: number;
  imageSeconds: number;
}

export interface EnsureImageOptions {
  cacheDir: string;
  recipe: ImageRecipe;
  rebuild: boolean;
  log: (line: string) => void;
  cleanup: Cleanup;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

export async function ensureImage(
  options: EnsureImageOptions,
): Promise<{ image: VmImage; built: boolean; timings?: ImageTimings }> {
  const hash = recipeHash(options.recipe);
  const dir = join(options.cacheDir, 'images', hash);
  if (!options.rebuild) {
    const cached = await loadImage(dir);
    if (cached) {
      return { image: cached, built: false };
    }
  }
  const timings = await buildImage(options, hash, dir);
  const image = await loadImage(dir);
  if (!image) {
    throw new Error(`image build finished but ${dir} is incomplete`);
  }
  await pruneOtherImages(options.cacheDir, hash);
  return { image, built: true, timings };
}

function paths(dir: string) {
  return {
    kernel: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    extraKernel: join(dir, 'vmlinuz.extra'),
    extraInitrd: join(dir, 'initrd.extra.img'),
    rootfs: join(dir, 'rootfs.img'),
    manifest: join(dir, 'manifest.json'),
  };
}

async function loadImage(dir: string): Promise<VmImage | undefined> {
  const p = paths(dir);
  try {
    const manifest = JSON.parse(await readFile(p.manifest, 'utf8')) as ImageManifest;
    await Promise.all([stat(p.kernel), stat(p.initrd), stat(p.rootfs)]);
    const image: VmImage = { dir, kernel: p.kernel, initrd: p.initrd, rootfs: p.rootfs, manifest };
    if (manifest.extraKernelVersion) {
      await Promise.all([stat(p.extraKernel), stat(p.extraInitrd)]);
      image.extraKernel = { kernel: p.extraKernel, initrd: p.extraInitrd, version: manifest.extraKernelVersion };
    }
    return image;
  } catch {
    return undefined;
  }
}

async function buildImage(options: EnsureImageOptions, hash: string, dir: string): Promise<ImageTimings> {
  const { recipe, log, cleanup } = options;
  let started = performance.now();
  await ensureHostTools(BUILD_TOOLS, log, cleanup);
  const toolsSeconds = seconds(started);
  const mirror = debianMirror(await readAptSources(), recipe.suite);
  if (!mirror) {
    throw new Error(`no apt source for ${recipe.suite} main in /etc/apt: cannot pick a mirror for debootstrap`);
  }
  const work = join(options.cacheDir, `build-${hash}-${process.pid}`);
  const rootfs = join(work, 'rootfs');
  await mkdir(work, { recursive: true });
  const dropWork = cleanup.add('remove the image build directory', () => removeTree(work));
  const logFile = join(work, 'build.log');
  try {
    log(`building the VM image ${hash} (debootstrap ${recipe.suite}, ${recipe.packages.length} packages)`);
    started = performance.now();
    await runCommand(
      'debootstrap',
      [`--variant=${recipe.variant}`, `--include=${recipe.packages.join(',')}`, recipe.suite, rootfs, mirror],
      { logFile, cleanup },
    );
    const suiteKernel = await kernelVersions(rootfs);
    if (recipe.extraKernelSuite) {
      log(`installing the ${recipe.extraKernelSuite} kernel beside ${suiteKernel.join(', ')}`);
      await installExtraKernel(rootfs, mirror, recipe.extraKernelSuite, logFile, cleanup);
    }
    const debootstrapSeconds = seconds(started);
    started = performance.now();
    const { kernelVersion, extraKernelVersion } = await finishRootfs(rootfs, work, recipe, suiteKernel);
    await makeExt4Image(rootfs, join(work, 'rootfs.img'), recipe.imageBytes, logFile, cleanup);
    await removeTree(rootfs);
    const imageSeconds = seconds(started);
    const manifest: ImageManifest = {
      hash,
      suite: recipe.suite,
      packages: recipe.packages,
      kernelVersion,
      ...(extraKernelVersion ? { extraKernelVersion } : {}),
      builtAt: new Date().toISOString(),
      debootstrapSeconds: Math.round(debootstrapSeconds * 10) / 10,
      imageSeconds: Math.round(imageSeconds * 10) / 10,
    };
    await writeFile(join(work, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(logFile, { force: true });
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(options.cacheDir, 'images'), { recursive: true });
    await rename(work, dir);
    dropWork();
    return { toolsSeconds, debootstrapSeconds, imageSeconds };
  } catch (error) {
    const kept = await keepBuildLog(options.cacheDir, logFile);
    (error as Error).message += kept ? ` (build log: ${kept})` : '';
    throw error;
  }
}

/** Versions of the kernels in the rootfs's /boot, sorted. */
async function kernelVersions(rootfs: string): Promise<string[]> {
  const boot = await readdir(join(rootfs, 'boot'));
  return boot
    .filter((n) => n.startsWith('vmlinuz-'))
    .map((n) => n.slice('vmlinuz-'.length))
    .sort();
}

/**
 * apt-get install -t <suite> linux-image-amd64 in the rootfs (with /proc mounted for the
 * initramfs hook). The suite's own kernel stays installed; the source entry is removed after.
 */
async function installExtraKernel(
  rootfs: string,
  mirror: string,
  suite: string,
  logFile: string,
  cleanup: Cleanup,
): Promise<void> {
  const list = join(rootfs, 'etc/apt/sources.list.d/opencsp-extra-kernel.list');
  await writeFile(list, `deb ${mirror} ${suite} main\n`);
  const proc = join(rootfs, 'proc');
  await runCommand('mount', ['-t', 'proc', 'proc', proc], { logFile, cleanup });
  const dropMount = cleanup.add('unmount /proc of the image rootfs', () => removeMountsBelow(rootfs));
  const env = {
    ...process.env,
    DEBIAN_FRONTEND: 'noninteractive',
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    LC_ALL: 'C',
  };
  try {
    await runCommand('chroot', [rootfs, 'apt-get', 'update'], { logFile, cleanup, env });
    await runCommand(
      'chroot',
      [rootfs, 'apt-get', 'install', '-y', '--no-install-recommends', '-t', suite, 'linux-image-amd64'],
      { logFile, cleanup, env },
    );
  } finally {
    await removeMountsBelow(rootfs);
    dropMount();
    await rm(list, { force: true });
  }
}

/**
 * Trims the rootfs, installs the init, and copies the kernels and initrds out: the suite's own as
 * vmlinuz/initrd.img, the extra one (any other) as vmlinuz.extra/initrd.extra.img.
 */
async function finishRootfs(
  rootfs: string,
  work: string,
  recipe: ImageRecipe,
  suiteKernel: string[],
): Promise<{ kernelVersion: string; extraKernelVersion?: string }> {
  for (const sub of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    const dir = join(rootfs, sub);
    for (const name of await readdir(dir)) {
      if (name !== 'partial' && name !== 'lock') {
        await rm(join(dir, name), { recursive: true, force: true });
      }
    }
  }
  const init = join(rootfs, INIT_PATH_IN_IMAGE);
  await writeFile(init, recipe.init, { mode: 0o755 });
  const boot = await readdir(join(rootfs, 'boot'));
  const copyKernel = async (version: string, suffix: string) => {
    const kernel = `vmlinuz-${version}`;
    const initrd = `initrd.img-${version}`;
    if (!boot.includes(kernel) || !boot.includes(initrd)) {
      throw new Error(`the rootfs has no kernel or initrd ${version} in /boot (found: ${boot.join(', ')})`);
    }
    await copyFile(join(rootfs, 'boot', kernel), join(work, `vmlinuz${suffix}`));
    await copyFile(join(rootfs, 'boot', initrd), join(work, `initrd${suffix}.img`));
  };
  const kernelVersion = suiteKernel[0];
  if (!kernelVersion || suiteKernel.length !== 1) {
    throw new Error(`expected one kernel from debootstrap in /boot, found: ${boot.join(', ')}`);
  }
  await copyKernel(kernelVersion, '');
  if (!recipe.extraKernelSuite) {
    return { kernelVersion };
  }
  const extra = (await kernelVersions(rootfs)).filter((v) => v !== kernelVersion);
  const extraKernelVersion = extra[extra.length - 1];
  if (!extraKernelVersion) {
    throw new Error(`the ${recipe.extraKernelSuite} kernel did not install (found: ${boot.join(', ')})`);
  }
  await copyKernel(extraKernelVersion, '.extra');
  return { kernelVersion, extraKernelVersion };
}

async function makeExt4Image(
  rootfs: string,
  image: string,
  bytes: number,
  logFile: string,
  cleanup: Cleanup,
): Promise<void> {
  const handle = await open(image, 'w');
  try {
    await handle.truncate(bytes);
  } finally {
    await handle.close();
  }
  await runCommand('mkfs.ext4', ['-q', '-F', '-L', 'opencsp-e2e', '-d', rootfs, image], { logFile, cleanup });
}

async function keepBuildLog(cacheDir: string, logFile: string): Promise<string | undefined> {
  const kept = join(cacheDir, 'logs', 'image-build.log');
  try {
    await mkdir(join(cacheDir, 'logs'), { recursive: true });
    await copyFile(logFile, kept);
    return kept;
  } catch {
    return undefined;
  }
}

/** Keeps only the current image: each one is about 1 GB on disk. */
async function pruneOtherImages(cacheDir: string, keep: string): Promise<void> {
  const root = join(cacheDir, 'images');
  for (const name of await readdir(root)) {
    if (name !== keep) {
      await rm(join(root, name), { recursive: true, force: true });
    }
  }
}
