import type { RegisteredApp } from "../registration.js";
import { TERMINAL } from "../types.js";
import type { EngineEvent, Run } from "../types.js";
import type { EngineStore, KeyQuery, RunQuery } from "./store.js";
import { cloneRun } from "./store.js";

/** Store kept in process memory (copies on write, like a database would). */
export class MemoryStore implements EngineStore {
  private runs = new Map<string, Run>();
  private events = new Map<string, number>();
  private apps = new Map<string, RegisteredApp>();
  private meta = new Map<string, unknown>();

  async saveRun(run: Run): Promise<void> {
    this.runs.set(run.id, cloneRun(run));
  }
  async getRun(id: string): Promise<Run | undefined> {
    const run = this.runs.get(id);
    return run ? cloneRun(run) : undefined;
  }
  async listRuns(q: RunQuery): Promise<Run[]> {
    const sorted = [...this.runs.values()]
      .filter((r) => (!q.functionId || r.functionId === q.functionId) && (!q.status || r.status === q.status))
      .filter((r) => !q.activeOnly || !TERMINAL.has(r.status))
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return (q.limit ? sorted.slice(-q.limit) : sorted).map(cloneRun);
  }
  async countRunsByKey(q: KeyQuery): Promise<number> {
    return [...this.runs.values()].filter(
      (r) => r.functionId === q.functionId && r.keys[q.key] === q.value && r.createdAt >= q.sinceMs,
    ).length;
  }
  async seenEvents(ids: string[], sinceMs: number): Promise<Set<string>> {
    return new Set(ids.filter((id) => (this.events.get(id) ?? -Infinity) >= sinceMs));
  }
  async recordEvent(event: EngineEvent, receivedAt: number): Promise<void> {
    this.events.set(event.id, receivedAt);
  }
  async pruneEvents(beforeMs: number): Promise<number> {
    let pruned = 0;
    for (const [id, receivedAt] of this.events) {
      if (receivedAt < beforeMs && this.events.delete(id)) pruned++;
    }
    return pruned;
  }
  async saveApp(app: RegisteredApp): Promise<void> {
    this.apps.set(app.id, structuredClone(app));
  }
  async listApps(): Promise<RegisteredApp[]> {
    return [...this.apps.values()].map((a) => structuredClone(a));
  }
  async getMeta<T>(key: string): Promise<T | undefined> {
    return this.meta.get(key) as T | undefined;
  }
  async setMeta(key: string, value: unknown): Promise<void> {
    this.meta.set(key, structuredClone(value));
  }
  async close(): Promise<void> {}
}
