import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { startTestMongo } from "../../support/mongo.js";
import type { TestMongo } from "../../support/mongo.js";
import { advance, listRuns, waitForRuns } from "./support/engine-client.js";
import { sendEvents } from "./support/send.js";
import { createClient, serveApp } from "./support/test-app.js";

// The inspection and time API as tools read it: what `fired` counts, `settled`, /runs?limit, and
// the event log kept to the 24h id window (engine state in MongoDB, as in the sandbox).
let mongo: TestMongo;
let engine: LocalEngine;
let app: { url: string; stop(): Promise<void> };
let release: () => void = () => {};
const held = new Promise<void>((resolve) => (release = resolve));

beforeAll(async () => {
  mongo = await startTestMongo();
  engine = await startLocalEngine({ mongoUri: mongo.uri, mongoDbName: mongo.dbName, quiet: true });
  const inngest = createClient({ engineUrl: engine.url, id: "insp" });
  const nap = inngest.createFunction({ id: "nap", triggers: [{ event: "test/nap" }] }, async ({ step }) => {
    await step.sleep("nap", "10m");
    return "rested";
  });
  // one at a time, and the first one holds its step until the test releases it
  const hold = inngest.createFunction(
    { id: "hold", triggers: [{ event: "test/hold" }], concurrency: { limit: 1 } },
    async ({ step }) => step.run("held", () => held.then(() => "released")),
  );
  const echo = inngest.createFunction(
    { id: "echo", triggers: [{ event: "test/echo" }] },
    async ({ event }) => event.data.n,
  );
  app = await serveApp(inngest, [nap, hold, echo]);
  expect((await engine.syncApp(app.url)).ok).toBe(true);
});

afterAll(async () => {
  release();
  await app?.stop();
  await engine?.stop();
  await mongo?.stop();
});

describe("POST /clock/advance", () => {
  test("fired counts only runs that came due because of the move; settled says whether they settled", async () => {
    await sendEvents(engine.url, [{ name: "test/nap" }]);
    await waitForRuns(engine.url, "insp-nap", (r) => r.length === 1 && r[0]!.status === "sleeping");
    await sendEvents(engine.url, [{ name: "test/hold" }, { name: "test/hold" }]);
    await waitForRuns(engine.url, "insp-hold", (r) => r.map((x) => x.status).join() === "running,queued");

    // one run in flight, one due but held back by concurrency, one sleeping 10m: none comes due now
    const still = await engine.advance(60_000, 300);
    expect(still.fired).toBe(0);
    expect(still.settled).toBe(false); // the held run is still in flight

    release();
    await waitForRuns(engine.url, "insp-hold", (r) => r.every((x) => x.status === "completed"));
    const moved = await advance(engine.url, 10 * 60_000);
    expect(moved).toMatchObject({ fired: 1, settled: true });
    expect((await listRuns(engine.url, "insp-nap"))[0]?.status).toBe("completed");
  });
});

describe("GET /runs?limit", () => {
  test("limit answers the most recent N runs, oldest first; without it every run; a bad limit is 400", async () => {
    for (let n = 0; n < 4; n++) await sendEvents(engine.url, [{ name: "test/echo", data: { n } }]);
    await waitForRuns(
      engine.url,
      "insp-echo",
      (r) => r.length === 4 && r.every((x) => x.status === "completed"),
    );
    expect((await listRuns(engine.url, "insp-echo", undefined, 2)).map((r) => r.output)).toEqual([2, 3]);
    expect((await listRuns(engine.url, "insp-echo", "completed", 1)).map((r) => r.output)).toEqual([3]);
    expect((await listRuns(engine.url, "insp-echo")).map((r) => r.output)).toEqual([0, 1, 2, 3]);
    expect((await fetch(`${engine.url}/runs?limit=0`)).status).toBe(400);
    expect((await fetch(`${engine.url}/runs?limit=abc`)).status).toBe(400);
  });
});

describe("event log", () => {
  test("events older than the 24h id window are pruned from MongoDB as new events arrive", async () => {
    const events = mongo.client.db(mongo.dbName).collection("engine_events");
    await sendEvents(engine.url, [{ name: "test/unrouted", id: "evt-old" }]);
    expect(await events.countDocuments({ _id: "evt-old" as never })).toBe(1);
    await advance(engine.url, 25 * 3_600_000);
    await sendEvents(engine.url, [{ name: "test/unrouted", id: "evt-new" }]);
    expect(await events.countDocuments({ _id: "evt-old" as never })).toBe(0);
    expect(await events.countDocuments({ _id: "evt-new" as never })).toBe(1);
  });
});
