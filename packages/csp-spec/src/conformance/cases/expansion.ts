// Expansion: PUT /volumes/{id} with a larger size grows the volume, the same size is a no-op,
// a smaller size is refused (volumes never shrink), and growth while published where claimed.
import type { Volume } from '../../types.js';
import { ensure, expectBadRequest, expectBody } from '../expect.js';
import type { ConformanceCase } from '../types.js';
import { getVolume } from './lookups.js';

export const expansionCases: ConformanceCase[] = [
  {
    id: 'expansion.grow',
    area: 'expansion',
    title: 'PUT /volumes/{id} with a larger size answers 200 and the volume has at least that size',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const size = volume.size * 2;
      const answer = await ctx.api.updateVolume(volume.id, { size });
      const grown = expectBody<Volume>(answer, 'expand the volume');
      ensure(grown.size >= size, `PUT answers ${grown.size} bytes, less than the ${size} asked`, answer);
      const after = await getVolume(ctx, volume.id, 'get the expanded volume');
      ensure(after.size >= size, `GET answers ${after.size} bytes after expanding to ${size}`);
    },
  },
  {
    id: 'expansion.same-size',
    area: 'expansion',
    title: 'PUT /volumes/{id} with the current size answers 200 and changes nothing',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const answer = await ctx.api.updateVolume(volume.id, { size: volume.size });
      const same = expectBody<Volume>(answer, 'expand the volume to its own size');
      ensure(same.size === volume.size, `the size changed from ${volume.size} to ${same.size}`, answer);
    },
  },
  {
    id: 'expansion.shrink',
    area: 'expansion',
    title: 'PUT /volumes/{id} with a smaller size answers 400 and the volume keeps its size',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const answer = await ctx.api.updateVolume(volume.id, { size: Math.max(1, Math.floor(volume.size / 2)) });
      expectBadRequest(answer, 'shrink the volume', 'size');
      const after = await getVolume(ctx, volume.id, 'get the volume after the refused shrink');
      ensure(after.size === volume.size, `the refused shrink changed the size to ${after.size}`);
    },
  },
  {
    id: 'expansion.online',
    area: 'expansion',
    title: 'a published volume grows with PUT /volumes/{id} and stays published',
    feature: 'expand_online',
    async run(ctx) {
      const { volume } = await ctx.make.published();
      const size = volume.size * 2;
      const answer = await ctx.api.updateVolume(volume.id, { size });
      const grown = expectBody<Volume>(answer, 'expand the published volume');
      ensure(grown.size >= size, `PUT answers ${grown.size} bytes, less than the ${size} asked`, answer);
      const after = await getVolume(ctx, volume.id, 'get the expanded volume');
      ensure(after.published === true, 'the volume is no longer published after growing');
    },
  },
];
