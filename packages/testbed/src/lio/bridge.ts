// The LIO target bridge: keeps the kernel's iSCSI target (LIO, through configfs) serving what an
// array simulator configures, so an initiator logs in to real targets with the array's IQNs,
// ACLs and CHAP, and reads real LUNs backed by the simulator's files. It stands in for the
// array's own target (SCST on TrueNAS, LIO on DSM), which the VM cannot run: only the kernel
// that also runs the initiator. Every `sync()` reads configfs, plans the difference and applies
// it; concurrent calls share one run, and a call made while a run is busy gets the next one, so
// a change is always applied before its caller is answered.
import { type ApplyScope, applyOp, describeOp, removeTarget } from './apply.js';
import type { ConfigFs } from './configfs.js';
import type { LoopDevices } from './loops.js';
import type { LioConfig, LioSession } from './model.js';
import { lioPaths } from './paths.js';
import { planLio } from './plan.js';
import { ownedTargets, type ReadScope, readLio, readSessions } from './read.js';

export interface LioBridgeOptions {
  fs: ConfigFs;
  loops: LoopDevices;
  /** Index of the bridge's own iblock HBA (core/iblock_<hba>). */
  hba: number;
  /** Which targets in the kernel are the bridge's (others are never touched). */
  owns: (iqn: string) => boolean;
  /** What the array configures now. */
  desired: () => LioConfig;
  log?: (line: string) => void;
}

export class LioBridge {
  readonly #options: LioBridgeOptions;
  readonly #scope: ReadScope & ApplyScope;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(options: LioBridgeOptions) {
    this.#options = options;
    this.#scope = { fs: options.fs, loops: options.loops, hba: options.hba, owns: options.owns };
  }

  /** Brings LIO in line with the array; resolves once a run that started after this call is done. */
  sync(): Promise<void> {
    if (!this.#running) {
      this.#running = this.#run().finally(() => {
        this.#running = undefined;
      });
      return this.#running;
    }
    this.#queued ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.sync();
      });
    return this.#queued;
  }

  async #run(): Promise<void> {
    const steps = planLio(this.#options.desired(), await readLio(this.#scope));
    for (const step of steps) {
      this.#options.log?.(`lio: ${describeOp(step)}`);
      try {
        await applyOp(this.#scope, step);
      } catch (err) {
        throw new Error(`LIO ${describeOp(step)} failed: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  /** Initiators logged in to the bridge's targets, as the kernel reports them. */
  sessions(): Promise<LioSession[]> {
    return readSessions(this.#scope);
  }

  /** Removes every target and backstore of the bridge (and their loop devices), then its HBA. */
  async close(): Promise<void> {
    await this.#running?.catch(() => undefined);
    await this.#queued?.catch(() => undefined);
    const { fs, loops, hba } = this.#scope;
    for (const iqn of await ownedTargets(this.#scope)) {
      await removeTarget(fs, iqn);
    }
    const found = await readLio(this.#scope);
    for (const backstore of found.backstores) {
      await fs.rmdir(lioPaths.backstore(hba, backstore.name));
      if (backstore.device) {
        await loops.detach(backstore.device);
      }
    }
    if (await fs.exists(lioPaths.hba(hba))) {
      await fs.rmdir(lioPaths.hba(hba));
    }
  }
}
