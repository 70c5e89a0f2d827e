import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { NonRetriableError, RetryAfterError } from "inngest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { advance, listRuns, waitForRuns } from "./support/engine-client.js";
import { createClient, serveApp } from "./support/test-app.js";

// step.run through the engine with the real SDK: memoization, per-step retries, final failures,
// onFailure, RetryAfterError and parallel steps.
let engine: LocalEngine;
let app: { url: string; stop(): Promise<void> };
const calls: Record<string, number> = {};
const count = (key: string) => (calls[key] = (calls[key] ?? 0) + 1);
let release: () => void = () => {};

beforeAll(async () => {
  engine = await startLocalEngine({ memory: true, quiet: true });
  const inngest = createClient({ engineUrl: engine.url, id: "steps" });
  const flaky = inngest.createFunction(
    { id: "flaky", retries: 3, triggers: [{ event: "test/flaky" }] },
    async ({ step }) => {
      const first = await step.run("first", () => {
        count("flaky:first");
        return "one";
      });
      const second = await step.run("second", () => {
        if (count("flaky:second") < 3) throw new Error("transient");
        return "two";
      });
      return { first, second };
    },
  );
  const doomed = inngest.createFunction(
    {
      id: "doomed",
      retries: 1,
      triggers: [{ event: "test/doomed" }],
      onFailure: async ({ event, error, step }) =>
        step.run("notify", () => ({
          functionId: event.data.function_id,
          runId: event.data.run_id,
          message: error.message,
          original: event.data.event.data,
        })),
    },
    async ({ step }) => {
      await step.run("always-fails", () => {
        count("doomed");
        throw new Error("boom");
      });
    },
  );
  const fatal = inngest.createFunction(
    { id: "fatal", retries: 4, triggers: [{ event: "test/fatal" }] },
    async ({ step }) => {
      await step.run("bad-input", () => {
        count("fatal");
        throw new NonRetriableError("bad input");
      });
    },
  );
  const caught = inngest.createFunction(
    { id: "caught", retries: 0, triggers: [{ event: "test/caught" }] },
    async ({ step }) => {
      try {
        await step.run("fails", () => {
          throw new Error("nope");
        });
      } catch (err) {
        return { recovered: (err as Error).message };
      }
      return { recovered: null };
    },
  );
  const later = inngest.createFunction(
    { id: "later", triggers: [{ event: "test/later" }] },
    async ({ step }) =>
      step.run("rate-limited", () => {
        if (count("later") === 1) throw new RetryAfterError("slow down", "30s");
        return "done";
      }),
  );
  const parallel = inngest.createFunction(
    { id: "parallel", triggers: [{ event: "test/parallel" }] },
    async ({ step }) => {
      const parts = await Promise.all(
        ["a", "b", "c"].map((k) =>
          step.run(`part-${k}`, () => {
            count(`parallel:${k}`);
            return k.toUpperCase();
          }),
        ),
      );
      const joined = await step.run("join", () => parts.join(""));
      return joined;
    },
  );
  const held = inngest.createFunction({ id: "held", triggers: [{ event: "test/held" }] }, async ({ step }) =>
    step.run("slow-call", async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return "released";
    }),
  );
  app = await serveApp(inngest, [flaky, doomed, fatal, caught, later, parallel, held]);
  const sync = await engine.syncApp(app.url);
  expect(sync.ok).toBe(true);
});

afterAll(async () => {
  await app?.stop();
  await engine?.stop();
});

async function send(name: string, data: Record<string, unknown> = {}) {
  const res = await fetch(`${engine.url}/e/test-key`, {
    method: "POST",
    body: JSON.stringify([{ name, data }]),
  });
  return (await res.json()) as { ids: string[]; status: number };
}

/** Moves the clock past retry backoffs until the function's runs are finished. */
async function finishRuns(fn: string) {
  return waitForRuns(engine.url, fn, (runs) => {
    void advance(engine.url, 10 * 60_000);
    return runs.length > 0 && runs.every((r) => ["completed", "failed", "cancelled"].includes(r.status));
  });
}

describe("step.run", () => {
  test("a failing step is retried with backoff, then succeeds; finished steps are not re-run", async () => {
    await send("test/flaky");
    const [run] = await finishRuns("steps-flaky");
    expect(run?.status).toBe("completed");
    expect(run?.output).toEqual({ first: "one", second: "two" });
    expect(calls["flaky:first"]).toBe(1);
    expect(calls["flaky:second"]).toBe(3);
    expect(run?.steps.find((s) => s.id === "second")).toMatchObject({ status: "completed", attempts: 3 });
  });

  test("retries exhausted: the run fails and onFailure gets function_id, run_id, error and the event", async () => {
    await send("test/doomed", { orderId: "o-1" });
    const [run] = await finishRuns("steps-doomed");
    expect(run?.status).toBe("failed");
    expect(calls["doomed"]).toBe(2); // retries: 1 -> two attempts
    const [failure] = await waitForRuns(
      engine.url,
      "steps-doomed-failure",
      (r) => r[0]?.status === "completed",
    );
    expect(failure?.output).toEqual({
      functionId: "steps-doomed",
      runId: run?.id,
      message: "boom",
      original: { orderId: "o-1" },
    });
  });

  test("NonRetriableError fails the run after one attempt", async () => {
    await send("test/fatal");
    const [run] = await finishRuns("steps-fatal");
    expect(run?.status).toBe("failed");
    expect(calls["fatal"]).toBe(1);
    expect(JSON.stringify(run?.error)).toContain("bad input");
  });

  test("a step that finally fails throws into user code, which can catch it", async () => {
    await send("test/caught");
    const [run] = await finishRuns("steps-caught");
    expect(run?.status).toBe("completed");
    expect(run?.output).toEqual({ recovered: "nope" });
  });

  test("RetryAfterError holds the retry until the given time", async () => {
    await send("test/later");
    await engine.settle();
    const [queued] = await waitForRuns(engine.url, "steps-later", (r) => r[0]?.status === "queued");
    const waitMs = Date.parse(queued?.until ?? "") - engine.nowMs();
    expect(waitMs).toBeGreaterThan(20_000);
    await advance(engine.url, 31_000);
    const [run] = await waitForRuns(engine.url, "steps-later", (r) => r[0]?.status === "completed");
    expect(run?.output).toBe("done");
    expect(calls["later"]).toBe(2);
  });

  test("parallel steps each run once and their results come back in order", async () => {
    await send("test/parallel");
    const [run] = await waitForRuns(engine.url, "steps-parallel", (r) => r[0]?.status === "completed");
    expect(run?.output).toBe("ABC");
    expect([calls["parallel:a"], calls["parallel:b"], calls["parallel:c"]]).toEqual([1, 1, 1]);
  });

  test("a run whose step is executing shows as running until the app answers", async () => {
    await send("test/held");
    const [running] = await waitForRuns(engine.url, "steps-held", (r) => r[0]?.status === "running");
    expect((await listRuns(engine.url, "steps-held", "running")).map((r) => r.id)).toEqual([running?.id]);
    release();
    const [run] = await waitForRuns(engine.url, "steps-held", (r) => r[0]?.status === "completed");
    expect(run?.output).toBe("released");
  });
});
