import type { RunView } from "../../../../sandbox/engine/index.js";

// Reads the engine's inspection API the way tools and the sandbox page do.
export async function listRuns(
  engineUrl: string,
  fn?: string,
  status?: string,
  limit?: number,
): Promise<RunView[]> {
  const q = new URLSearchParams();
  if (fn) q.set("function", fn);
  if (status) q.set("status", status);
  if (limit !== undefined) q.set("limit", String(limit));
  const res = await fetch(`${engineUrl}/runs?${q.toString()}`);
  const body = (await res.json()) as { runs: RunView[] };
  return body.runs;
}

/** Polls /runs until `done` holds for the function's runs (real time, bounded). */
export async function waitForRuns(
  engineUrl: string,
  fn: string,
  done: (runs: RunView[]) => boolean,
  timeoutMs = 10_000,
): Promise<RunView[]> {
  const deadline = Date.now() + timeoutMs;
  for (let pollMs = 10; ; pollMs = Math.min(pollMs * 2, 200)) {
    const runs = await listRuns(engineUrl, fn);
    if (done(runs)) return runs;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for runs of ${fn}: ${JSON.stringify(runs, null, 1).slice(0, 3000)}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export async function advance(
  engineUrl: string,
  ms: number,
): Promise<{ now: string; fired: number; settled: boolean }> {
  const res = await fetch(`${engineUrl}/clock/advance`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ms }),
  });
  return (await res.json()) as { now: string; fired: number; settled: boolean };
}
