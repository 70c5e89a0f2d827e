import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { NonRetriableError, invoke } from "inngest";
import { z } from "zod";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { listRuns, waitForRuns } from "./support/engine-client.js";
import { sendEvents } from "./support/send.js";
import { createClient, serveApp } from "./support/test-app.js";

// Functions that call each other: step.invoke, step.sendEvent and inngest.send, across two apps.
let engine: LocalEngine;
const apps: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  engine = await startLocalEngine({ memory: true, quiet: true });
  const worker = createClient({ engineUrl: engine.url, id: "worker" });
  const slack = createClient({ engineUrl: engine.url, id: "slack" });
  const price = worker.createFunction(
    { id: "price", triggers: [invoke(z.object({ qty: z.number() }))] },
    async ({ event, step }) => {
      const unit = await step.run("lookup", () => 9.5);
      return { total: unit * event.data.qty };
    },
  );
  const broken = worker.createFunction({ id: "broken", triggers: [] }, async () => {
    throw new NonRetriableError("child broke");
  });
  const quote = worker.createFunction(
    { id: "quote", triggers: [{ event: "test/quote" }] },
    async ({ step }) => {
      const result = await step.invoke("price-it", { function: price, data: { qty: 2 } });
      let childError: string | null = null;
      try {
        await step.invoke("break-it", { function: broken, data: {} });
      } catch (err) {
        childError = (err as Error).message;
      }
      return { total: result.total, childError };
    },
  );
  const announce = worker.createFunction(
    { id: "announce", triggers: [{ event: "test/order.created" }] },
    async ({ event, step }) => {
      const sent = await step.sendEvent("tell-slack", {
        name: "test/order.announced",
        data: { orderId: event.data.orderId },
      });
      return { ids: sent.ids.length };
    },
  );
  const notify = slack.createFunction(
    { id: "notify", triggers: [{ event: "test/order.announced", if: "event.data.orderId != 'skip-me'" }] },
    async ({ event }) => ({ notified: event.data.orderId }),
  );
  const w = await serveApp(worker, [price, broken, quote, announce]);
  const s = await serveApp(slack, [notify]);
  apps.push(w, s);
  expect((await engine.syncApp(w.url)).ok).toBe(true);
  expect((await engine.syncApp(s.url)).ok).toBe(true);
});

afterAll(async () => {
  for (const a of apps) await a.stop();
  await engine?.stop();
});

describe("composition", () => {
  test("step.invoke returns the child's output; a failed child throws into the parent", async () => {
    await sendEvents(engine.url, [{ name: "test/quote" }]);
    const [run] = await waitForRuns(engine.url, "worker-quote", (r) => r[0]?.status === "completed");
    expect(run?.output).toEqual({ total: 19, childError: "child broke" });
    const [child] = await listRuns(engine.url, "worker-price");
    expect(child?.status).toBe("completed");
    expect(child?.parentRunId).toBe(run?.id);
    expect((child?.event as { name: string }).name).toBe("inngest/function.invoked");
  });

  test("step.sendEvent starts a function in another app; a trigger `if` filters events", async () => {
    await sendEvents(engine.url, [
      { name: "test/order.created", data: { orderId: "o-7" } },
      { name: "test/order.created", data: { orderId: "skip-me" } },
    ]);
    await waitForRuns(
      engine.url,
      "worker-announce",
      (r) => r.length === 2 && r.every((x) => x.status === "completed"),
    );
    await engine.settle();
    const notified = await waitForRuns(
      engine.url,
      "slack-notify",
      (r) => r.length >= 1 && r[0]?.status === "completed",
    );
    expect(notified.map((r) => r.output)).toEqual([{ notified: "o-7" }]);
  });

  test("the engine lists both apps", async () => {
    const res = (await (await fetch(`${engine.url}/apps`)).json()) as { apps: { id: string }[] };
    expect(res.apps.map((a) => a.id).sort()).toEqual(["slack", "worker"]);
  });
});
