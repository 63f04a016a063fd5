// Sparse files behind zvols and their snapshots, so the node side can attach a LUN with a loop
// device and the data it writes survives snapshots and clones.
import { BackingStore } from '../../common/index.js';
import type { Dataset, Snapshot } from './model.js';

export class ZvolBacking {
  readonly store: BackingStore;

  constructor(dir: string) {
    this.store = new BackingStore(dir);
  }

  init(): Promise<void> {
    return this.store.init();
  }

  async createZvol(ds: Dataset): Promise<void> {
    const key = `zvol-${ds.guid}`;
    await this.store.create(key, ds.volsize);
    ds.backing = key;
  }

  /** Grows the zvol's data to `volsize` (before the zvol's own volsize changes). */
  async grow(ds: Dataset, volsize: number): Promise<void> {
    if (ds.backing) {
      await this.store.grow(ds.backing, volsize);
    }
  }

  /** A point-in-time copy of the zvol's data for a snapshot. */
  async snapshot(ds: Dataset, snap: Snapshot): Promise<void> {
    if (ds.backing) {
      const key = `snap-${snap.guid}`;
      await this.store.copy(ds.backing, key);
      snap.backing = key;
    }
  }

  /** A clone starts as a copy of its origin snapshot's data. */
  async clone(snap: Snapshot, ds: Dataset): Promise<void> {
    if (snap.backing) {
      const key = `zvol-${ds.guid}`;
      await this.store.copy(snap.backing, key);
      if (ds.volsize > (await this.store.size(key))) {
        await this.store.grow(key, ds.volsize);
      }
      ds.backing = key;
    }
  }

  async remove(key: string | undefined): Promise<void> {
    if (key) {
      await this.store.remove(key);
    }
  }

  path(key: string): string {
    return this.store.path(key);
  }
}
