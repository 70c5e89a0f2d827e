// The engine's run model. A run is one document: its memo, its pending work items (calls, sleeps,
// waits, invokes) and its step log change together, so a single write is an atomic transition.

export type RunStatus = "queued" | "running" | "sleeping" | "waiting" | "completed" | "failed" | "cancelled";
export const TERMINAL: ReadonlySet<RunStatus> = new Set(["completed", "failed", "cancelled"]);

export interface EngineEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  [key: string]: unknown;
}

export interface StepRecord {
  hash: string;
  id: string;
  status: "queued" | "running" | "completed" | "failed" | "sleeping" | "waiting";
  output?: unknown;
  error?: unknown;
  attempts: number;
  startedAt?: number;
  endedAt?: number;
}

/** Something the run still has to do, and from when. */
export type WorkItem =
  | { kind: "discover"; dueAt: number; attempt: number }
  | { kind: "execute"; hash: string; dueAt: number; attempt: number }
  | { kind: "sleep"; hash: string; dueAt: number }
  | { kind: "wait"; hash: string; event: string; if?: string; dueAt: number; since: number }
  | { kind: "invoke"; hash: string; childRunId: string; functionId: string; dueAt: number }
  | { kind: "signal"; hash: string; signal: string; dueAt: number };

export interface FlowKeys {
  concurrency: { id: string; limit: number }[];
  idempotency?: string;
  singleton?: string;
  debounce?: string;
  throttle?: string;
  rateLimit?: string;
  batch?: string;
}

export interface Run {
  id: string;
  appId: string;
  functionId: string;
  status: RunStatus;
  event: EngineEvent;
  events: EngineEvent[];
  memo: Record<string, unknown>;
  stack: string[];
  steps: StepRecord[];
  items: WorkItem[];
  disableImmediate: boolean;
  keys: FlowKeys;
  createdAt: number;
  updatedAt: number;
  /** Set while the run has not started yet (debounce, throttle): its first call is due at items[0].dueAt. */
  notStarted?: boolean;
  debounceFirstAt?: number;
  startedAt?: number;
  endedAt?: number;
  output?: unknown;
  error?: unknown;
  parent?: { runId: string; hash: string };
}

export type CallItem = Extract<WorkItem, { kind: "discover" | "execute" }>;

export function isCall(item: WorkItem): item is CallItem {
  return item.kind === "discover" || item.kind === "execute";
}

/** The status /runs reports, derived from what the run still waits for. */
export function deriveStatus(run: Run, inFlight: boolean): RunStatus {
  if (TERMINAL.has(run.status)) return run.status;
  if (inFlight) return "running";
  if (run.items.some(isCall)) return "queued";
  if (run.items.some((i) => i.kind === "wait" || i.kind === "invoke" || i.kind === "signal"))
    return "waiting";
  if (run.items.some((i) => i.kind === "sleep")) return "sleeping";
  return "queued";
}
