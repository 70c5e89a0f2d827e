import { nextCronMs } from "./cron.js";
import { ulid } from "./ids.js";
import type { FunctionEntry, Registry } from "./registry.js";
import type { EngineStore } from "./store/store.js";
import type { EngineEvent } from "./types.js";

// When each cron trigger fires next, persisted so a restart neither loses nor repeats a tick.
// Ticks missed while stopped (or skipped over by a big clock advance) collapse into one run.
interface CronTrigger {
  entry: FunctionEntry;
  cron: string;
  key: string;
}

export class CronSchedule {
  private next = new Map<string, number>();

  constructor(
    private readonly store: EngineStore,
    private readonly registry: Registry,
  ) {}

  async load(): Promise<void> {
    const saved = (await this.store.getMeta<Record<string, number>>("cron")) ?? {};
    for (const [k, v] of Object.entries(saved)) this.next.set(k, v);
  }

  private triggers(): CronTrigger[] {
    const list: CronTrigger[] = [];
    for (const entry of this.registry.all()) {
      for (const t of entry.fn.triggers) {
        if (t.cron !== undefined) list.push({ entry, cron: t.cron, key: `${entry.fn.id} ${t.cron}` });
      }
    }
    return list;
  }

  /** True when a trigger is due or not yet scheduled. */
  isDue(now: number): boolean {
    return this.triggers().some(({ key }) => (this.next.get(key) ?? -Infinity) <= now);
  }

  /** Triggers whose tick falls in (after, upTo]: the ones a clock move from `after` to `upTo` fires. */
  dueBetween(after: number, upTo: number): number {
    return this.triggers().filter(({ key }) => {
      const next = this.next.get(key);
      return next !== undefined && next > after && next <= upTo;
    }).length;
  }

  earliest(): number | undefined {
    const times = this.triggers().map(({ key }) => this.next.get(key) ?? -Infinity);
    return times.length ? Math.min(...times) : undefined;
  }

  /** Starts a run for each due trigger and schedules the following tick. */
  async fire(now: number, start: (entry: FunctionEntry, event: EngineEvent) => Promise<void>): Promise<void> {
    let changed = false;
    for (const { entry, cron, key } of this.triggers()) {
      const next = this.next.get(key);
      if (next !== undefined && next <= now) {
        await start(entry, { name: "inngest/scheduled.timer", data: { cron }, id: ulid(now), ts: now });
      }
      if (next === undefined || next <= now) {
        // an invalid or finished schedule never fires again
        this.next.set(key, nextCronMs(cron, now) ?? Number.MAX_SAFE_INTEGER);
        changed = true;
      }
    }
    if (changed) await this.store.setMeta("cron", Object.fromEntries(this.next));
  }
}
