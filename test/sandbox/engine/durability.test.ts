import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { startTestMongo } from "../../support/mongo.js";
import type { TestMongo } from "../../support/mongo.js";
import { advance, listRuns, waitForRuns } from "./support/engine-client.js";
import { sendEvents } from "./support/send.js";
import { createClient, serveApp } from "./support/test-app.js";

// State lives in MongoDB: stop the engine mid-run, start a new one on the same database and port,
// and every sleep fires once, every wait still matches, finished steps do not run again.
let mongo: TestMongo;
let engine: LocalEngine;
let app: { url: string; stop(): Promise<void> };
const calls: Record<string, number> = {};
const count = (key: string) => (calls[key] = (calls[key] ?? 0) + 1);

const start = (port = 0, held = false) =>
  startLocalEngine({ mongoUri: mongo.uri, mongoDbName: mongo.dbName, quiet: true, port, held });

beforeAll(async () => {
  mongo = await startTestMongo();
  engine = await start();
  const inngest = createClient({ engineUrl: engine.url, id: "durable" });
  const fns = [
    inngest.createFunction({ id: "nap", triggers: [{ event: "test/nap" }] }, async ({ event, step }) => {
      await step.run("before", () => count(`before:${event.data.n}`));
      await step.sleep("nap", "10m");
      await step.run("after", () => count(`after:${event.data.n}`));
      return event.data.n;
    }),
    inngest.createFunction({ id: "wait", triggers: [{ event: "test/order" }] }, async ({ step }) => {
      await step.run("before", () => count("wait:before"));
      const d = await step.waitForEvent("decision", {
        event: "test/decided",
        match: "data.orderId",
        timeout: "1d",
      });
      return d?.data.by ?? null;
    }),
  ];
  app = await serveApp(inngest, fns);
  expect((await engine.syncApp(app.url)).ok).toBe(true);
});

afterAll(async () => {
  await app?.stop();
  await engine?.stop();
  await mongo?.stop();
});

describe("restart", () => {
  test("sleeps fire once, waits still match, finished steps don't re-run, the clock doesn't go back", async () => {
    await sendEvents(engine.url, [
      { name: "test/nap", data: { n: 1 } },
      { name: "test/nap", data: { n: 2 } },
      { name: "test/order", data: { orderId: "o1" } },
    ]);
    await waitForRuns(
      engine.url,
      "durable-nap",
      (r) => r.length === 2 && r.every((x) => x.status === "sleeping"),
    );
    await waitForRuns(engine.url, "durable-wait", (r) => r[0]?.status === "waiting");
    await advance(engine.url, 60_000); // moved clock must survive the restart
    const movedTo = engine.nowMs();
    const port = engine.port;

    await engine.stop();
    engine = await start(port);
    expect(engine.nowMs()).toBeGreaterThanOrEqual(movedTo);
    expect((await listRuns(engine.url, "durable-nap")).map((r) => r.status)).toEqual([
      "sleeping",
      "sleeping",
    ]);

    const moved = await advance(engine.url, 10 * 60_000);
    expect(moved.fired).toBe(2);
    const naps = await listRuns(engine.url, "durable-nap");
    expect(naps.map((r) => [r.status, r.output])).toEqual([
      ["completed", 1],
      ["completed", 2],
    ]);
    await sendEvents(engine.url, [{ name: "test/decided", data: { orderId: "o1", by: "maria" } }]);
    const [waited] = await waitForRuns(engine.url, "durable-wait", (r) => r[0]?.status === "completed");
    expect(waited?.output).toBe("maria");
    expect(calls).toEqual({ "before:1": 1, "before:2": 1, "after:1": 1, "after:2": 1, "wait:before": 1 });
    // nothing fires twice after another restart
    await engine.stop();
    engine = await start(port);
    expect((await advance(engine.url, 3_600_000)).fired).toBe(0);
  });

  test("apps and event-id idempotency survive a restart", async () => {
    await sendEvents(engine.url, [{ name: "test/nap", id: "dup-1", data: { n: 3 } }]);
    await engine.settle();
    const port = engine.port;
    await engine.stop();
    engine = await start(port);
    const again = await sendEvents(engine.url, [{ name: "test/nap", id: "dup-1", data: { n: 3 } }]);
    expect(again.ids).toEqual(["dup-1"]);
    await advance(engine.url, 10 * 60_000 + 1000);
    const naps = (await listRuns(engine.url, "durable-nap")).filter(
      (r) => (r.event as { data: { n: number } }).data.n === 3,
    );
    expect(naps.map((r) => r.status)).toEqual(["completed"]);
  });

  test("opened held, it takes events but calls no app until released (apps re-synced first)", async () => {
    const port = engine.port;
    await engine.stop();
    engine = await start(port, true);
    await sendEvents(engine.url, [{ name: "test/nap", data: { n: 4 } }]);
    await new Promise((r) => setTimeout(r, 300));
    const held = (await listRuns(engine.url, "durable-nap")).filter(
      (r) => (r.event as { data: { n: number } }).data.n === 4,
    );
    expect(held.map((r) => r.status)).toEqual(["queued"]);
    expect(calls["before:4"]).toBeUndefined();

    engine.release();
    await waitForRuns(engine.url, "durable-nap", (r) => r.at(-1)?.status === "sleeping");
    expect(calls["before:4"]).toBe(1);
  });
});
