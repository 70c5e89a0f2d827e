import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Inngest } from "inngest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { advance, listRuns, waitForRuns } from "./support/engine-client.js";
import { sendEvents } from "./support/send.js";
import { createClient, serveApp } from "./support/test-app.js";

// step.waitForSignal / inngest.sendSignal, and `timeouts` cancelling runs that take too long.
let engine: LocalEngine;
let inngest: Inngest;
let app: { url: string; stop(): Promise<void> };

beforeAll(async () => {
  engine = await startLocalEngine({ memory: true, quiet: true });
  inngest = createClient({ engineUrl: engine.url, id: "signals" });
  const approval = inngest.createFunction(
    { id: "approval", triggers: [{ event: "test/order" }] },
    async ({ event, step }) => {
      const decided = await step.waitForSignal<{ by: string }>("decision", {
        signal: `order:${event.data.orderId}`,
        timeout: "1h",
        onConflict: "replace",
      });
      return decided ? decided.data.by : "timed-out";
    },
  );
  const slow = inngest.createFunction(
    { id: "slow", triggers: [{ event: "test/slow" }], timeouts: { finish: "1m" } },
    async ({ step }) => {
      await step.sleep("long", "10m");
      return "finished";
    },
  );
  app = await serveApp(inngest, [approval, slow]);
  expect((await engine.syncApp(app.url)).ok).toBe(true);
});

afterAll(async () => {
  await app?.stop();
  await engine?.stop();
});

describe("signals", () => {
  test("sendSignal wakes the waiting run and tells the sender which run; nobody waiting gives no run id", async () => {
    await sendEvents(engine.url, [{ name: "test/order", data: { orderId: "o1" } }]);
    const [waiting] = await waitForRuns(engine.url, "signals-approval", (r) => r[0]?.status === "waiting");
    expect(waiting?.waitingFor).toBe("signal:order:o1");
    const none = await inngest.sendSignal({ signal: "order:nobody", data: { by: "x" } });
    expect(none.runId).toBeUndefined();
    const sent = await inngest.sendSignal({ signal: "order:o1", data: { by: "maria" } });
    expect(sent.runId).toBe(waiting?.id);
    const [run] = await waitForRuns(engine.url, "signals-approval", (r) => r[0]?.status === "completed");
    expect(run?.output).toBe("maria");
  });
});

describe("timeouts", () => {
  test("a run that does not finish within `timeouts.finish` is cancelled", async () => {
    await sendEvents(engine.url, [{ name: "test/slow" }]);
    await waitForRuns(engine.url, "signals-slow", (r) => r[0]?.status === "sleeping");
    await advance(engine.url, 61_000);
    expect((await listRuns(engine.url, "signals-slow"))[0]?.status).toBe("cancelled");
    await advance(engine.url, 10 * 60_000);
    expect((await listRuns(engine.url, "signals-slow"))[0]?.status).toBe("cancelled");
  });
});
