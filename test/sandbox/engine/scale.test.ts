import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine, LocalEngineOptions } from "../../../sandbox/engine/index.js";
import { startTestMongo } from "../../support/mongo.js";
import type { TestMongo } from "../../support/mongo.js";
import { listRuns, waitForRuns } from "./support/engine-client.js";
import { sendEvents } from "./support/send.js";
import { createClient, serveApp } from "./support/test-app.js";

// Many runs sleeping at once all resume exactly once when the clock moves: 1,000 in memory, and a
// smaller crowd kept in MongoDB (the embedded server, or MONGODB_URI) through an engine restart,
// so the durable store is exercised at scale too.
let mongo: TestMongo;

beforeAll(async () => {
  mongo = await startTestMongo();
});

afterAll(async () => {
  await mongo?.stop();
});

const variants = [
  { store: "memory", n: 1000, restart: false },
  { store: "mongo", n: 200, restart: true },
] as const;

describe.each(variants)("$n runs, $store store", ({ store, n, restart }) => {
  test(
    `${n} concurrent sleeping runs all resume once after the clock moves${restart ? " (engine restarted while they sleep)" : ""}`,
    { timeout: 120_000 },
    async () => {
      const fnId = `scale-${store}-sleeper`;
      const resumed = new Map<number, number>();
      const opts: LocalEngineOptions =
        store === "memory"
          ? { memory: true, quiet: true }
          : { mongoUri: mongo.uri, mongoDbName: `${mongo.dbName}_scale`, quiet: true };
      let engine: LocalEngine = await startLocalEngine(opts);
      const inngest = createClient({ engineUrl: engine.url, id: `scale-${store}` });
      const sleeper = inngest.createFunction(
        { id: "sleeper", triggers: [{ event: "test/sleep" }] },
        async ({ event, step }) => {
          await step.sleep("nap", "1h");
          // no step after the sleep: this code runs once per call, so the count is the number of
          // times the engine resumed the run (one call per run keeps 1,000 runs quick)
          resumed.set(event.data.n as number, (resumed.get(event.data.n as number) ?? 0) + 1);
          return event.data.n;
        },
      );
      const app = await serveApp(inngest, [sleeper]);
      try {
        expect((await engine.syncApp(app.url)).ok).toBe(true);
        const sent = await sendEvents(
          engine.url,
          Array.from({ length: n }, (_, i) => ({ name: "test/sleep", data: { n: i } })),
        );
        expect(sent.ids).toHaveLength(n);
        // in-process: wait for the engine to go idle instead of polling /runs (faster with many runs)
        expect(await engine.settle(60_000)).toBe(true);
        const sleeping = await listRuns(engine.url, fnId);
        expect(sleeping).toHaveLength(n);
        expect(sleeping.every((r) => r.status === "sleeping")).toBe(true);
        expect(resumed.size).toBe(0);

        if (restart) {
          // same port: the app keeps pointing at it
          await engine.stop();
          engine = await startLocalEngine({ ...opts, port: engine.port });
          expect((await listRuns(engine.url, fnId, "sleeping")).length).toBe(n);
        }

        const moved = await engine.advance(3_600_000, 60_000);
        expect(moved.fired).toBe(n);
        const runs = await waitForRuns(
          engine.url,
          fnId,
          (r) => r.every((x) => x.status === "completed"),
          60_000,
        );
        expect(new Set(runs.map((r) => r.output)).size).toBe(n);
        expect(resumed.size).toBe(n);
        expect([...resumed.values()].every((c) => c === 1)).toBe(true);
      } finally {
        await app.stop();
        await engine.stop();
      }
    },
  );
});
