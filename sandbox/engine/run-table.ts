import type { EngineStore } from "./store/store.js";
import type { Run } from "./types.js";
import { TERMINAL, deriveStatus } from "./types.js";

// The active (unfinished) runs in memory, each change serialized per run and written through to
// the store before the change is acted upon. Finished runs leave the table (they stay in the store).
export class RunTable {
  private active = new Map<string, Run>();
  private locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EngineStore,
    /** Whether a call to the app is in flight for the run (reported as "running"). */
    private readonly isCalling: (runId: string) => boolean,
  ) {}

  async load(): Promise<void> {
    for (const run of await this.store.listRuns({ activeOnly: true })) this.active.set(run.id, run);
  }

  get(runId: string): Run | undefined {
    return this.active.get(runId);
  }

  /** A snapshot of the active runs, safe to iterate while runs change. */
  list(): Run[] {
    return [...this.active.values()];
  }

  get size(): number {
    return this.active.size;
  }

  async add(run: Run): Promise<void> {
    await this.withLock(run.id, async () => {
      this.active.set(run.id, run);
      await this.persist(run);
    });
  }

  /** Changes an active run and writes it through; undefined when the run is no longer active. */
  mutate<T>(runId: string, change: (run: Run) => T): Promise<T | undefined> {
    return this.withLock(runId, async () => {
      const run = this.active.get(runId);
      if (!run) return undefined;
      const result = change(run);
      await this.persist(run);
      return result;
    });
  }

  /**
   * Changes an active run in memory only, for transient marks (a call is in flight) that need no
   * recovery: after a crash the stored state simply has the call still due.
   */
  touch<T>(runId: string, change: (run: Run) => T): Promise<T | undefined> {
    return this.withLock(runId, async () => {
      const run = this.active.get(runId);
      if (!run) return undefined;
      const result = change(run);
      run.status = deriveStatus(run, this.isCalling(run.id));
      return result;
    });
  }

  private async persist(run: Run): Promise<void> {
    run.status = deriveStatus(run, this.isCalling(run.id));
    await this.store.saveRun(run);
    if (TERMINAL.has(run.status)) this.active.delete(run.id);
  }

  private withLock<T>(runId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(runId) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.locks.set(runId, tail);
    void tail.then(() => {
      if (this.locks.get(runId) === tail) this.locks.delete(runId);
    });
    return next;
  }
}
