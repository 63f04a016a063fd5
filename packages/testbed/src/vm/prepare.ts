// What every VM run needs before it boots: the host tools it lacks and the cached (or freshly
// built) image. Shared by `pnpm e2e:vm` and the VM benchmark of `pnpm bench`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cleanup } from './cleanup.js';
import { ensureHostTools, RUN_TOOLS } from './host-tools.js';
import { ensureImage, type ImageTimings, type VmImage } from './image.js';
import { defaultRecipe, recipeHash } from './recipe.js';

export const repoDir = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '');

export function defaultCacheDir(): string {
  return join(repoDir, '.cache', 'vm');
}

export interface PreparedVm {
  image: VmImage;
  built: boolean;
  timings?: ImageTimings;
  installed: string[];
  toolSeconds: number;
  imageSeconds: number;
}

export async function prepareVm(options: {
  cacheDir: string;
  rebuild: boolean;
  log: (line: string) => void;
  cleanup: Cleanup;
}): Promise<PreparedVm> {
  const begun = performance.now();
  const installed = await ensureHostTools(RUN_TOOLS, options.log, options.cleanup);
  const toolSeconds = (performance.now() - begun) / 1000;
  const recipe = defaultRecipe(await readFile(join(repoDir, 'packages/testbed/vm/init.sh'), 'utf8'));
  options.log(`image recipe ${recipeHash(recipe)}, cache ${options.cacheDir}`);
  const started = performance.now();
  const { image, built, timings } = await ensureImage({ ...options, recipe });
  const imageSeconds = (performance.now() - started) / 1000;
  return { image, built, ...(timings ? { timings } : {}), installed, toolSeconds, imageSeconds };
}
