// A value read from MongoDB and kept for a short while: hot reads of data that changes rarely (the
// active catalog, the enabled automations) cost one query per period instead of one per message.
// A write through the repository that owns the cache clears it at once, so this process sees its
// own changes on the next read; a change made by another process shows within the period.
export class ReadCache<T> {
  private entry: { loadedAtMs: number; value: Promise<T> } | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly load: () => Promise<T>,
  ) {}

  get(): Promise<T> {
    // Monotonic time: the product's clock can be moved forward (sandbox), the cache's age cannot.
    const now = performance.now();
    if (this.entry && now - this.entry.loadedAtMs < this.ttlMs) return this.entry.value;
    const value = this.load();
    const entry = { loadedAtMs: now, value };
    this.entry = entry;
    // A failed read is not kept: the next caller reads again.
    value.catch(() => {
      if (this.entry === entry) this.entry = undefined;
    });
    return value;
  }

  /** Forgets the value: the next get() reads MongoDB (after a write that changes it). */
  clear(): void {
    this.entry = undefined;
  }
}

/** How long a cached read is kept (a change made by another process shows within this). */
export const READ_CACHE_MS = 5_000;
