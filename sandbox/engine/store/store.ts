import type { RegisteredApp } from "../registration.js";
import type { EngineEvent, Run, RunStatus } from "../types.js";

// Persistence behind one small interface: an in-memory version for unit tests and a MongoDB one
// (real driver) for the engine. Every method resolves only once the write is durable.
export interface RunQuery {
  functionId?: string;
  status?: RunStatus;
  activeOnly?: boolean;
  /** Only the most recent `limit` runs (by creation), still listed oldest first. */
  limit?: number;
}

export interface KeyQuery {
  functionId: string;
  key: "idempotency" | "rateLimit";
  value: string;
  sinceMs: number;
}

export interface EngineStore {
  saveRun(run: Run): Promise<void>;
  getRun(id: string): Promise<Run | undefined>;
  listRuns(query: RunQuery): Promise<Run[]>;
  countRunsByKey(query: KeyQuery): Promise<number>;
  /** Which of these event ids arrived at or after `sinceMs` (the 24h id-idempotency window). */
  seenEvents(ids: string[], sinceMs: number): Promise<Set<string>>;
  /** Adds (or, after the window, replaces) an event in the event log. */
  recordEvent(event: EngineEvent, receivedAt: number): Promise<void>;
  /** Drops events received before `beforeMs` (outside the id-idempotency window); how many went. */
  pruneEvents(beforeMs: number): Promise<number>;
  saveApp(app: RegisteredApp): Promise<void>;
  listApps(): Promise<RegisteredApp[]>;
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
  close(): Promise<void>;
}

export function cloneRun(run: Run): Run {
  return JSON.parse(JSON.stringify(run)) as Run;
}
