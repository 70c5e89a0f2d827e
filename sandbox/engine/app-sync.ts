// Syncing an app the way the dev server does: a PUT to its serve URL makes the SDK POST its
// function configs to our /fn/register.
export async function syncAppAt(url: string): Promise<{ ok: boolean; status: number; body: string }> {
  try {
    const res = await fetch(url, { method: "PUT", signal: AbortSignal.timeout(15_000) });
    const body = await res.text();
    return { ok: res.ok, status: res.status, body };
  } catch (err) {
    return { ok: false, status: 0, body: (err as Error).message };
  }
}

/** Keeps `--app-url` apps synced: retries until the first sync works and re-syncs when an app comes back. */
export class AppWatcher {
  private synced = new Map<string, boolean>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly urls: string[],
    private readonly log: (msg: string) => void,
    private readonly intervalMs = 5000,
  ) {}

  async start(): Promise<void> {
    await this.check();
    this.schedule();
  }

  // one check at a time: the next starts only after the previous finished
  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.check().finally(() => {
        if (this.timer) this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref?.();
  }

  private async check(): Promise<void> {
    for (const url of this.urls) {
      if (this.synced.get(url)) {
        const alive = await fetch(url, { method: "GET", signal: AbortSignal.timeout(5000) }).then(
          () => true,
          () => false,
        );
        if (!alive) this.synced.set(url, false);
        continue;
      }
      const result = await syncAppAt(url);
      this.synced.set(url, result.ok);
      if (result.ok) this.log(`synced ${url}`);
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
