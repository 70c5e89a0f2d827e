import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MemoryStore, MongoStore } from "../../../sandbox/engine/index.js";
import type { EngineStore } from "../../../sandbox/engine/store/store.js";
import type { Run } from "../../../sandbox/engine/types.js";
import { startTestMongo } from "../../support/mongo.js";
import type { TestMongo } from "../../support/mongo.js";

// The same contract for both stores: what the engine writes, it reads back exactly.
let mongo: TestMongo;
const stores: Record<string, () => Promise<EngineStore>> = {
  memory: async () => new MemoryStore(),
  mongo: async () =>
    MongoStore.fromDb(
      mongo.client,
      mongo.client.db(`${mongo.dbName}_${Math.random().toString(36).slice(2)}`),
    ),
};

beforeAll(async () => {
  mongo = await startTestMongo();
});
afterAll(async () => {
  await mongo?.stop();
});

function run(id: string, over: Partial<Run> = {}): Run {
  const event = { id: `e-${id}`, name: "test/x", data: { "odd.key": 1, $dollar: "ok", n: 1.5 }, ts: 1 };
  return {
    id,
    appId: "app",
    functionId: "app-fn",
    status: "sleeping",
    event,
    events: [event],
    memo: { abc: { data: { nested: [1, null, "x"] } } },
    stack: ["abc"],
    steps: [{ hash: "abc", id: "step", status: "completed", output: 1, attempts: 1 }],
    items: [{ kind: "sleep", hash: "def", dueAt: 100 }],
    disableImmediate: false,
    keys: { concurrency: [], idempotency: "k1" },
    createdAt: 10,
    updatedAt: 10,
    ...over,
  };
}

describe.each(Object.keys(stores))("%s store", (kind) => {
  test("a run whose step results are its memo's own values reads back exactly", async () => {
    const store = await stores[kind]!();
    // as the engine builds runs: step outputs and errors are the memoized values themselves
    const quote = { total: 120, lines: [{ sku: "a", qty: 2 }] };
    const decided = { id: "e-d", name: "test/decided", data: { by: "maria" }, ts: 2 };
    const boom = { name: "Error", message: "boom" };
    const built = run("r-memo", {
      memo: { q: { data: quote }, n: null, w: decided, f: { error: boom }, z: { data: null } },
      stack: ["q", "n", "w", "f", "z"],
      steps: [
        { hash: "q", id: "quote", status: "completed", output: quote, attempts: 1 },
        { hash: "n", id: "nap", status: "completed", output: null, attempts: 1 },
        { hash: "w", id: "wait", status: "completed", output: decided, attempts: 1 },
        { hash: "f", id: "fail", status: "failed", error: boom, attempts: 3 },
        { hash: "z", id: "nothing", status: "completed", output: null, attempts: 1 },
        { hash: "r", id: "retrying", status: "queued", error: boom, attempts: 1 },
      ],
    });
    await store.saveRun(built);
    const expected = JSON.parse(JSON.stringify(built)) as Run;
    expect(await store.getRun("r-memo")).toEqual(expected);
    expect((await store.listRuns({ functionId: "app-fn" })).find((r) => r.id === "r-memo")).toEqual(expected);
  });

  test("runs round-trip exactly (odd keys included) and filter by function, status and activity", async () => {
    const store = await stores[kind]!();
    await store.saveRun(run("r2", { createdAt: 20 }));
    await store.saveRun(run("r1"));
    await store.saveRun(run("r3", { status: "completed", functionId: "app-other", createdAt: 30 }));
    expect(await store.getRun("r1")).toEqual(run("r1"));
    expect((await store.listRuns({})).map((r) => r.id)).toEqual(["r1", "r2", "r3"]);
    expect((await store.listRuns({ functionId: "app-fn" })).map((r) => r.id)).toEqual(["r1", "r2"]);
    expect((await store.listRuns({ status: "completed" })).map((r) => r.id)).toEqual(["r3"]);
    expect((await store.listRuns({ activeOnly: true })).map((r) => r.id)).toEqual(["r1", "r2"]);
    await store.saveRun(run("r1", { status: "failed" }));
    expect((await store.listRuns({ activeOnly: true })).map((r) => r.id)).toEqual(["r2"]);
    expect(await store.getRun("missing")).toBeUndefined();
  });

  test("saves made at the same time all land, each run at the version saved last", async () => {
    const store = await stores[kind]!();
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) saves.push(store.saveRun(run(`c${i}`, { createdAt: i })));
    await Promise.all(saves);
    // a run saved again while its earlier save may still be queued ends at its last version
    await Promise.all([
      store.saveRun(run("c1", { createdAt: 1, updatedAt: 12 })),
      store.saveRun(run("c0", { createdAt: 0, updatedAt: 11 })),
      store.saveRun(run("c0", { createdAt: 0, updatedAt: 13, status: "completed" })),
    ]);
    const all = await store.listRuns({});
    expect(all.map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => `c${i}`));
    expect((await store.getRun("c0"))?.updatedAt).toBe(13);
    expect((await store.getRun("c1"))?.updatedAt).toBe(12);
    expect((await store.listRuns({ activeOnly: true })).length).toBe(39);
  });

  test("a limit keeps only the most recent runs, still listed oldest first", async () => {
    const store = await stores[kind]!();
    for (const [id, createdAt] of [
      ["r4", 40],
      ["r1", 10],
      ["r3", 30],
      ["r2", 20],
    ] as const)
      await store.saveRun(run(id, { createdAt }));
    expect((await store.listRuns({ limit: 2 })).map((r) => r.id)).toEqual(["r3", "r4"]);
    expect((await store.listRuns({ limit: 10 })).map((r) => r.id)).toEqual(["r1", "r2", "r3", "r4"]);
    expect((await store.listRuns({ limit: 1, functionId: "app-fn" })).map((r) => r.id)).toEqual(["r4"]);
  });

  test("counts runs by idempotency key since a time", async () => {
    const store = await stores[kind]!();
    await store.saveRun(run("a", { createdAt: 5 }));
    await store.saveRun(run("b", { createdAt: 50 }));
    const q = { functionId: "app-fn", key: "idempotency" as const, value: "k1" };
    expect(await store.countRunsByKey({ ...q, sinceMs: 0 })).toBe(2);
    expect(await store.countRunsByKey({ ...q, sinceMs: 10 })).toBe(1);
    expect(await store.countRunsByKey({ ...q, value: "other", sinceMs: 0 })).toBe(0);
  });

  test("event log: an id counts as seen only inside the window; apps and meta persist", async () => {
    const store = await stores[kind]!();
    const event = { id: "evt", name: "x/y", data: {}, ts: 1 };
    expect((await store.seenEvents(["evt"], 0)).has("evt")).toBe(false);
    await store.recordEvent(event, 1000);
    expect((await store.seenEvents(["evt"], 500)).has("evt")).toBe(true);
    expect((await store.seenEvents(["evt"], 1500)).has("evt")).toBe(false);
    await store.recordEvent(event, 2000);
    expect((await store.seenEvents(["evt"], 1500)).has("evt")).toBe(true);
    await store.recordEvent({ ...event, id: "other" }, 2000);
    expect(await store.seenEvents(["evt", "missing", "other"], 1500)).toEqual(new Set(["evt", "other"]));
    expect(await store.seenEvents([], 0)).toEqual(new Set());
    await store.saveApp({ id: "app", url: "http://x", functions: [], syncedAt: 1 });
    await store.saveApp({ id: "app", url: "http://y", functions: [], syncedAt: 2 });
    expect((await store.listApps()).map((a) => a.url)).toEqual(["http://y"]);
    await store.setMeta("clock", { offsetMs: 5, lastMs: 7 });
    expect(await store.getMeta("clock")).toEqual({ offsetMs: 5, lastMs: 7 });
    expect(await store.getMeta("nothing")).toBeUndefined();
  });

  test("pruning drops only events received before the cut-off", async () => {
    const store = await stores[kind]!();
    await store.recordEvent({ id: "old", name: "x/y", data: {}, ts: 1 }, 1000);
    await store.recordEvent({ id: "new", name: "x/y", data: {}, ts: 1 }, 3000);
    expect(await store.pruneEvents(2000)).toBe(1);
    expect((await store.seenEvents(["old"], 0)).has("old")).toBe(false);
    expect((await store.seenEvents(["new"], 0)).has("new")).toBe(true);
    expect(await store.pruneEvents(2000)).toBe(0);
  });
});
