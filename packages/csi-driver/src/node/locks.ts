// In-process locks of the node service: a try-lock per volume (a concurrent duplicate RPC gets
// ABORTED, as CSI allows), waiting locks per iSCSI target (iscsiadm's database and logins are not
// safe under concurrent writers) and one host-wide key for `multipath -f` and anything that touches
// every map.

export type Release = () => void;

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Takes the lock if it is free; undefined when someone holds or waits for it. */
  tryLock(key: string): Release | undefined {
    if (this.tails.has(key)) {
      return undefined;
    }
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.tails.set(key, done);
    return this.releaser(key, done, release);
  }

  /** Waits for the lock (FIFO). */
  async lock(key: string): Promise<Release> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous ? previous.then(() => done) : done;
    this.tails.set(key, tail);
    if (previous) {
      await previous;
    }
    return this.releaser(key, tail, release);
  }

  /** Runs `fn` holding the lock. */
  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.lock(key);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  isLocked(key: string): boolean {
    return this.tails.has(key);
  }

  private releaser(key: string, tail: Promise<void>, resolve: () => void): Release {
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      resolve();
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    };
  }
}

/** The lock keys the node uses; one place so the iSCSI transport and the service agree. */
export const lockKeys = {
  volume: (volumeId: string) => `volume:${volumeId}`,
  target: (iqn: string) => `target:${iqn}`,
  hostDevices: 'host:devices',
} as const;
