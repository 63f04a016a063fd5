// Lookups several areas share: a volume by name or id, with the exact answers the contract gives.
import type { Volume } from '../../types.js';
import type { CaseContext } from '../context.js';
import { ensure, expectBody, expectError } from '../expect.js';

/** GET /volumes?name= must answer 200 with exactly that volume. */
export async function expectVolumeNamed(ctx: CaseContext, name: string, id: string): Promise<Volume> {
  const found = await ctx.api.listVolumes({ name });
  const volumes = expectBody<Volume[]>(found, `look volume ${name} up by name`);
  ensure(volumes.length === 1, `looking ${name} up by name gave ${volumes.length} volumes, not 1`, found);
  ensure(volumes[0]?.id === id, `looking ${name} up by name gave id ${volumes[0]?.id}, not ${id}`, found);
  return volumes[0] as Volume;
}

/** GET /volumes?name= must answer 404: nothing of that name exists. */
export async function expectNoVolumeNamed(ctx: CaseContext, name: string, why: string): Promise<void> {
  expectError(await ctx.api.listVolumes({ name }), 404, `${why}: look ${name} up by name`);
}

/** GET /volumes/{id} answered 200 with a volume. */
export async function getVolume(ctx: CaseContext, id: string, what = 'get the volume'): Promise<Volume> {
  const answer = await ctx.api.getVolume(id);
  const volume = expectBody<Volume>(answer, what);
  ensure(volume.id === id, `${what}: answered volume ${volume.id}, not ${id}`, answer);
  return volume;
}

/** An id no object has: valid by the contract's pattern, so the answer must be 404, not 400. */
export function unknownId(ctx: CaseContext): string {
  return ctx.name('missing');
}
