import type { Run } from "./types.js";

// The shape GET /runs answers (exact fields are relied on by tests and the sandbox page).
export interface RunView {
  id: string;
  appId: string;
  functionId: string;
  status: Run["status"];
  event: unknown;
  output?: unknown;
  error?: unknown;
  waitingFor?: string;
  waitingIf?: string;
  until?: string;
  createdAt: string;
  endedAt?: string;
  parentRunId?: string;
  steps: {
    id: string;
    status: string;
    output?: unknown;
    error?: unknown;
    attempts: number;
    startedAt?: string;
    endedAt?: string;
  }[];
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function toRunView(run: Run): RunView {
  const view: RunView = {
    id: run.id,
    appId: run.appId,
    functionId: run.functionId,
    status: run.status,
    event: run.event,
    createdAt: new Date(run.createdAt).toISOString(),
    steps: run.steps.map((s) => ({
      id: s.id,
      status: s.status,
      ...(s.output !== undefined ? { output: s.output } : {}),
      ...(s.error !== undefined ? { error: s.error } : {}),
      attempts: s.attempts,
      ...(s.startedAt !== undefined ? { startedAt: iso(s.startedAt) } : {}),
      ...(s.endedAt !== undefined ? { endedAt: iso(s.endedAt) } : {}),
    })),
  };
  if (run.status === "completed") view.output = run.output ?? null;
  if (run.error !== undefined && run.status !== "completed") view.error = run.error;
  if (run.endedAt !== undefined) view.endedAt = iso(run.endedAt);
  if (run.parent) view.parentRunId = run.parent.runId;
  const wait = run.items.find((i) => i.kind === "wait" || i.kind === "invoke" || i.kind === "signal");
  if (wait?.kind === "wait") {
    view.waitingFor = wait.event;
    if (wait.if) view.waitingIf = wait.if;
  } else if (wait?.kind === "invoke") view.waitingFor = `invoke:${wait.functionId}`;
  else if (wait?.kind === "signal") view.waitingFor = `signal:${wait.signal}`;
  const pending = run.items.filter((i) => i.kind !== "discover" || run.status === "queued");
  if (pending.length > 0 && run.status !== "running") {
    view.until = iso(Math.min(...pending.map((i) => i.dueAt)));
  }
  return view;
}
