import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { applyOutcome, resolveItem } from "../../../sandbox/engine/apply-outcome.js";
import { decodeResponse } from "../../../sandbox/engine/outcome.js";
import { memoForRequest } from "../../../sandbox/engine/request.js";
import type { CallItem, Run } from "../../../sandbox/engine/types.js";
import { deriveStatus } from "../../../sandbox/engine/types.js";

// How one answer from serve() changes a run: the executor side of the SDK protocol, without HTTP.
const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
const NOW = 1_700_000_000_000;

function newRun(): Run {
  const event = { id: "e1", name: "test/x", data: {}, ts: NOW };
  return {
    id: "r1",
    appId: "app",
    functionId: "app-fn",
    status: "queued",
    event,
    events: [event],
    memo: {},
    stack: [],
    steps: [],
    items: [{ kind: "discover", dueAt: NOW, attempt: 0 }],
    disableImmediate: false,
    keys: { concurrency: [] },
    createdAt: NOW,
    updatedAt: NOW,
  };
}
const discover = (run: Run) => run.items[0] as CallItem;
const op = (id: string, code: string, extra: Record<string, unknown> = {}) => ({
  id: sha1(id),
  op: code,
  displayName: id,
  userland: { id },
  ...extra,
});
const ctx = { nowMs: NOW, maxAttempts: 3 };

describe("applying serve() answers", () => {
  test("StepRun memoizes {data} under the hashed id, records the stack and asks for the next step", () => {
    const run = newRun();
    applyOutcome(run, discover(run), { kind: "ops", ops: [op("greet", "StepRun", { data: "hi" })] }, ctx);
    expect(run.memo).toEqual({ [sha1("greet")]: { data: "hi" } });
    expect(run.stack).toEqual([sha1("greet")]);
    expect(run.items).toEqual([{ kind: "discover", dueAt: NOW, attempt: 0 }]);
    expect(run.steps[0]).toMatchObject({ id: "greet", status: "completed", output: "hi", attempts: 1 });
  });

  test("StepError schedules the same step again with backoff, or at Retry-After", () => {
    const run = newRun();
    applyOutcome(
      run,
      discover(run),
      { kind: "ops", ops: [op("s", "StepError", { error: { message: "x" } })] },
      ctx,
    );
    expect(run.items).toEqual([{ kind: "execute", hash: sha1("s"), attempt: 1, dueAt: NOW + 1000 }]);
    expect(deriveStatus(run, false)).toBe("queued");
    const again = run.items[0] as CallItem;
    applyOutcome(
      run,
      again,
      { kind: "ops", ops: [op("s", "StepError", { error: {} })], retryAfter: "30" },
      ctx,
    );
    expect(run.items).toEqual([{ kind: "execute", hash: sha1("s"), attempt: 2, dueAt: NOW + 30_000 }]);
  });

  test("StepFailed memoizes {error} so the SDK throws it into user code", () => {
    const run = newRun();
    const error = { name: "Error", message: "nope" };
    applyOutcome(run, discover(run), { kind: "ops", ops: [op("s", "StepFailed", { error })] }, ctx);
    expect(run.memo[sha1("s")]).toEqual({ error });
    expect(run.steps[0]?.status).toBe("failed");
  });

  test("StepPlanned fans out once per step and disables immediate execution; repeats are ignored", () => {
    const run = newRun();
    const planned = { kind: "ops" as const, ops: [op("a", "StepPlanned"), op("b", "StepPlanned")] };
    applyOutcome(run, discover(run), planned, ctx);
    expect(run.items.map((i) => i.kind)).toEqual(["execute", "execute"]);
    expect(run.disableImmediate).toBe(true);
    run.items.push({ kind: "discover", dueAt: NOW, attempt: 0 });
    applyOutcome(run, run.items[2] as CallItem, planned, ctx);
    expect(run.items.map((i) => i.kind)).toEqual(["execute", "execute"]);
  });

  test("Sleep takes its duration from `name`; the run sleeps until then and resumes with null", () => {
    const run = newRun();
    applyOutcome(run, discover(run), { kind: "ops", ops: [op("nap", "Sleep", { name: "10m" })] }, ctx);
    expect(run.items).toEqual([{ kind: "sleep", hash: sha1("nap"), dueAt: NOW + 600_000 }]);
    expect(deriveStatus(run, false)).toBe("sleeping");
    resolveItem(run, run.items[0]!, null, NOW + 600_000);
    expect(run.memo[sha1("nap")]).toBeNull();
    expect(run.items.map((i) => i.kind)).toEqual(["discover"]);
  });

  test("WaitForEvent stores the event name, `if` and timeout", () => {
    const run = newRun();
    const wait = op("w", "WaitForEvent", {
      name: "order/decided",
      opts: { timeout: "1h", if: "event.data.id == async.data.id" },
    });
    applyOutcome(run, discover(run), { kind: "ops", ops: [wait] }, ctx);
    expect(run.items).toEqual([
      {
        kind: "wait",
        hash: sha1("w"),
        event: "order/decided",
        if: "event.data.id == async.data.id",
        dueAt: NOW + 3_600_000,
        since: NOW,
      },
    ]);
    expect(deriveStatus(run, false)).toBe("waiting");
  });

  test("function-level errors retry the call until max_attempts, then fail the run", () => {
    const run = newRun();
    const err = { kind: "error" as const, retriable: true, error: { message: "500" }, status: 500 };
    applyOutcome(run, discover(run), err, ctx);
    applyOutcome(run, discover(run), err, ctx);
    expect(run.status).toBe("queued");
    applyOutcome(run, discover(run), err, ctx);
    expect(run.status).toBe("failed");
    expect(run.error).toEqual({ message: "500" });
  });

  test("a non-retriable answer fails at once; 200 completes with the body", () => {
    const failed = newRun();
    applyOutcome(
      failed,
      discover(failed),
      { kind: "error", retriable: false, error: "bad", status: 400 },
      ctx,
    );
    expect(failed.status).toBe("failed");
    const done = newRun();
    applyOutcome(done, discover(done), { kind: "complete", output: { ok: 1 } }, ctx);
    expect([done.status, done.output, done.items]).toEqual(["completed", { ok: 1 }, []]);
  });

  test("decodes status codes and headers the SDK uses", () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(decodeResponse(200, h({}), "null")).toEqual({ kind: "complete", output: null });
    expect(decodeResponse(206, h({ "retry-after": "5" }), '[{"id":"x","op":"StepError"}]')).toMatchObject({
      kind: "ops",
      retryAfter: "5",
    });
    expect(decodeResponse(400, h({ "x-inngest-no-retry": "true" }), '{"message":"m"}')).toMatchObject({
      kind: "error",
      retriable: false,
    });
    expect(decodeResponse(500, h({ "x-inngest-no-retry": "false" }), "{}")).toMatchObject({
      retriable: true,
    });
    expect(decodeResponse(401, h({}), '{"message":"Unauthorized"}')).toMatchObject({ retriable: true });
  });
});

describe("the memo as sent to the SDK", () => {
  test("step results keep their shape; a sleep's null and a waited-for event go as {data}", () => {
    const event = { id: "e2", name: "test/decided", data: { by: "maria" }, ts: NOW };
    const failed = { error: { name: "Error", message: "boom" } };
    expect(memoForRequest({ ran: { data: 1 }, failed, slept: null, waited: event, list: [1, 2] })).toEqual({
      ran: { data: 1 },
      failed,
      slept: { data: null },
      waited: { data: event },
      list: { data: [1, 2] },
    });
  });
});
