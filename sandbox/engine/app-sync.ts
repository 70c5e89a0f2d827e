import { canonicalJson } from "./canonical-json.js";

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

/**
 * What an app says about itself on GET (the SDK's introspection: function count, mode, keys), or
 * undefined when it does not answer. A different answer means the app changed (e.g. restarted with
 * new functions between two polls) and must be synced again.
 */
export async function introspect(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { method: "GET", signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    try {
      return canonicalJson(JSON.parse(text));
    } catch {
      return `${res.status} ${text}`;
    }
  } catch {
    return undefined;
  }
}

/**
 * Keeps `--app-url` apps synced: retries until the first sync works, and re-syncs when an app comes
 * back after being down or when its introspection changed (a quick restart with other functions).
 */
export class AppWatcher {
  /** Per URL: the introspection seen right after the last successful sync; absent = not synced. */
  private synced = new Map<string, string>();
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
      const seen = this.synced.get(url);
      if (seen !== undefined) {
        const now = await introspect(url);
        if (now === seen) continue;
        this.synced.delete(url);
        if (now === undefined) continue; // down: sync again once it answers
        this.log(`${url} changed: syncing it again`);
      }
      const result = await syncAppAt(url);
      if (!result.ok) continue;
      this.synced.set(url, (await introspect(url)) ?? "");
      this.log(`synced ${url}`);
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
