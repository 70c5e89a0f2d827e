import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine, RunView } from "../../../sandbox/engine/index.js";
import { advance, listRuns, waitForRuns } from "./support/engine-client.js";
import { sendEvents } from "./support/send.js";
import { createClient, serveApp } from "./support/test-app.js";

// Function options: cancelOn, debounce, concurrency, idempotency, singleton, throttle, rateLimit,
// and event-id idempotency.
let engine: LocalEngine;
let app: { url: string; stop(): Promise<void> };
const spans: { key: string; start: number; end: number }[] = [];
const ran: Record<string, number> = {};
const dataOf = (r: RunView | undefined) => (r?.event as { data: Record<string, unknown> }).data;

beforeAll(async () => {
  engine = await startLocalEngine({ memory: true, quiet: true });
  const inngest = createClient({ engineUrl: engine.url, id: "flow" });
  const fns = [
    inngest.createFunction(
      {
        id: "cancellable",
        triggers: [{ event: "test/order.created" }],
        cancelOn: [{ event: "test/order.cancelled", match: "data.orderId" }],
      },
      async ({ event, step }) => {
        await step.sleep("cool-off", "1h");
        await step.run("after", () => (ran[`after:${event.data.orderId}`] = 1));
        return "done";
      },
    ),
    inngest.createFunction(
      {
        id: "debounced",
        triggers: [{ event: "test/typing" }],
        debounce: { key: "event.data.conv", period: "10m" },
      },
      async ({ event }) => ({ conv: event.data.conv, text: event.data.text }),
    ),
    inngest.createFunction(
      {
        id: "serial",
        triggers: [{ event: "test/serial" }],
        concurrency: { key: "event.data.conv", limit: 1 },
      },
      async ({ event, step }) => {
        await step.run("work", async () => {
          const start = Date.now();
          await delay(60);
          spans.push({ key: String(event.data.conv), start, end: Date.now() });
        });
      },
    ),
    inngest.createFunction(
      { id: "once", triggers: [{ event: "test/pay" }], idempotency: "event.data.orderId" },
      async ({ event }) => event.data.orderId,
    ),
    inngest.createFunction(
      { id: "plain", triggers: [{ event: "test/plain" }] },
      async ({ event }) => event.data.n,
    ),
    inngest.createFunction(
      {
        id: "single-skip",
        triggers: [{ event: "test/single" }],
        singleton: { key: "event.data.conv", mode: "skip" },
      },
      async ({ step }) => {
        await step.sleep("hold", "1h");
      },
    ),
    inngest.createFunction(
      {
        id: "single-cancel",
        triggers: [{ event: "test/single" }],
        singleton: { key: "event.data.conv", mode: "cancel" },
      },
      async ({ step }) => {
        await step.sleep("hold", "1h");
      },
    ),
    inngest.createFunction(
      { id: "throttled", triggers: [{ event: "test/throttle" }], throttle: { limit: 1, period: "1m" } },
      async ({ event }) => event.data.n,
    ),
    inngest.createFunction(
      { id: "batched", triggers: [{ event: "test/batch" }], batchEvents: { maxSize: 3, timeout: "60s" } },
      async ({ events }) => events.map((e) => e.data.n),
    ),
    inngest.createFunction(
      { id: "limited", triggers: [{ event: "test/limit" }], rateLimit: { limit: 1, period: "1h" } },
      async ({ event }) => event.data.n,
    ),
  ];
  app = await serveApp(inngest, fns);
  expect((await engine.syncApp(app.url)).ok).toBe(true);
});

afterAll(async () => {
  await app?.stop();
  await engine?.stop();
});

describe("cancelOn", () => {
  test("a matching event cancels that run only; the cancelled run never resumes", async () => {
    await sendEvents(engine.url, [
      { name: "test/order.created", data: { orderId: "A" } },
      { name: "test/order.created", data: { orderId: "B" } },
    ]);
    await waitForRuns(
      engine.url,
      "flow-cancellable",
      (r) => r.length === 2 && r.every((x) => x.status === "sleeping"),
    );
    await sendEvents(engine.url, [{ name: "test/order.cancelled", data: { orderId: "A" } }]);
    await advance(engine.url, 3_600_000 + 1000);
    const runs = await listRuns(engine.url, "flow-cancellable");
    const byOrder = Object.fromEntries(runs.map((r) => [dataOf(r).orderId, r.status]));
    expect(byOrder).toEqual({ A: "cancelled", B: "completed" });
    expect(ran["after:A"]).toBeUndefined();
  });
});

describe("debounce", () => {
  test("events with the same key collapse into one run with the last event, after the period", async () => {
    await sendEvents(engine.url, [
      { name: "test/typing", data: { conv: "c1", text: "h" } },
      { name: "test/typing", data: { conv: "c1", text: "he" } },
      { name: "test/typing", data: { conv: "c2", text: "yo" } },
      { name: "test/typing", data: { conv: "c1", text: "hey" } },
    ]);
    await engine.settle();
    expect((await listRuns(engine.url, "flow-debounced")).map((r) => r.status)).toEqual(["queued", "queued"]);
    await advance(engine.url, 10 * 60_000 + 1000);
    const runs = await listRuns(engine.url, "flow-debounced");
    expect(runs.map((r) => r.output)).toEqual([
      { conv: "c1", text: "hey" },
      { conv: "c2", text: "yo" },
    ]);
  });
});

describe("concurrency", () => {
  test("limit 1 per key: steps of runs with the same key never overlap", async () => {
    await sendEvents(
      engine.url,
      [1, 2, 3].map((n) => ({ name: "test/serial", data: { conv: "k", n } })),
    );
    await waitForRuns(
      engine.url,
      "flow-serial",
      (r) => r.length === 3 && r.every((x) => x.status === "completed"),
    );
    const same = spans.filter((s) => s.key === "k").sort((a, b) => a.start - b.start);
    expect(same).toHaveLength(3);
    for (let i = 1; i < same.length; i++) expect(same[i]!.start).toBeGreaterThanOrEqual(same[i - 1]!.end);
  });
});

describe("idempotency", () => {
  test("a second event with the same idempotency key within 24h starts no run", async () => {
    await sendEvents(engine.url, [{ name: "test/pay", data: { orderId: "p1" } }]);
    await sendEvents(engine.url, [{ name: "test/pay", data: { orderId: "p1" } }]);
    await sendEvents(engine.url, [{ name: "test/pay", data: { orderId: "p2" } }]);
    const runs = await waitForRuns(
      engine.url,
      "flow-once",
      (r) => r.length === 2 && r.every((x) => x.status === "completed"),
    );
    expect(runs.map((r) => r.output)).toEqual(["p1", "p2"]);
  });

  test("event ids are idempotent for 24h: the duplicate gets its id back and starts nothing", async () => {
    const first = await sendEvents(engine.url, [{ name: "test/plain", id: "evt-1", data: { n: 1 } }]);
    const second = await sendEvents(engine.url, [{ name: "test/plain", id: "evt-1", data: { n: 2 } }]);
    expect(first).toEqual({ ids: ["evt-1"], status: 200 });
    expect(second).toEqual({ ids: ["evt-1"], status: 200 });
    await engine.settle();
    expect((await listRuns(engine.url, "flow-plain")).map((r) => r.output)).toEqual([1]);
    await advance(engine.url, 24 * 3_600_000 + 1000);
    await sendEvents(engine.url, [{ name: "test/plain", id: "evt-1", data: { n: 3 } }]);
    await engine.settle();
    expect((await listRuns(engine.url, "flow-plain")).map((r) => r.output)).toEqual([1, 3]);
  });
});

describe("singleton", () => {
  test("skip drops the new run while one is active; cancel replaces the active run", async () => {
    await sendEvents(engine.url, [{ name: "test/single", data: { conv: "s", n: 1 } }]);
    await engine.settle();
    await sendEvents(engine.url, [{ name: "test/single", data: { conv: "s", n: 2 } }]);
    await engine.settle();
    const skip = await listRuns(engine.url, "flow-single-skip");
    expect(skip.map((r) => [dataOf(r).n, r.status])).toEqual([[1, "sleeping"]]);
    const cancel = await listRuns(engine.url, "flow-single-cancel");
    expect(cancel.map((r) => [dataOf(r).n, r.status])).toEqual([
      [1, "cancelled"],
      [2, "sleeping"],
    ]);
  });
});

describe("throttle and rate limit", () => {
  test("throttle delays runs beyond the limit instead of dropping them", async () => {
    await sendEvents(
      engine.url,
      [1, 2, 3].map((n) => ({ name: "test/throttle", data: { n } })),
    );
    await engine.settle();
    let runs = await listRuns(engine.url, "flow-throttled");
    expect(runs.map((r) => r.status)).toEqual(["completed", "queued", "queued"]);
    await advance(engine.url, 60_000);
    await advance(engine.url, 60_000);
    runs = await listRuns(engine.url, "flow-throttled");
    expect(runs.map((r) => r.output)).toEqual([1, 2, 3]);
  });

  test("rate limit drops runs beyond the limit in the period", async () => {
    await sendEvents(
      engine.url,
      [1, 2].map((n) => ({ name: "test/limit", data: { n } })),
    );
    await engine.settle();
    expect((await listRuns(engine.url, "flow-limited")).map((r) => r.output)).toEqual([1]);
  });
});

describe("batchEvents", () => {
  test("events collect into one run of up to maxSize; the rest run after the timeout", async () => {
    await sendEvents(
      engine.url,
      [1, 2, 3, 4].map((n) => ({ name: "test/batch", data: { n } })),
    );
    await engine.settle();
    let runs = await listRuns(engine.url, "flow-batched");
    expect(runs.map((r) => [r.status, r.output ?? null])).toEqual([
      ["completed", [1, 2, 3]],
      ["queued", null],
    ]);
    await advance(engine.url, 60_000);
    runs = await listRuns(engine.url, "flow-batched");
    expect(runs.map((r) => r.output)).toEqual([[1, 2, 3], [4]]);
  });
});
