import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { advance, waitForRuns } from "./support/engine-client.js";
import { sendEvents } from "./support/send.js";
import { createClient, serveApp } from "./support/test-app.js";

// 1,000 runs sleeping at once all resume exactly once when the clock moves.
const N = 1000;
let engine: LocalEngine;
let app: { url: string; stop(): Promise<void> };
const resumed = new Map<number, number>();

beforeAll(async () => {
  engine = await startLocalEngine({ memory: true, quiet: true });
  const inngest = createClient({ engineUrl: engine.url, id: "scale" });
  const sleeper = inngest.createFunction(
    { id: "sleeper", triggers: [{ event: "test/sleep" }] },
    async ({ event, step }) => {
      await step.sleep("nap", "1h");
      await step.run("resume", () =>
        resumed.set(event.data.n as number, (resumed.get(event.data.n as number) ?? 0) + 1),
      );
      return event.data.n;
    },
  );
  app = await serveApp(inngest, [sleeper]);
  expect((await engine.syncApp(app.url)).ok).toBe(true);
});

afterAll(async () => {
  await app?.stop();
  await engine?.stop();
});

describe("many runs", () => {
  test(
    `${N} concurrent sleeping runs all resume once after the clock moves`,
    { timeout: 120_000 },
    async () => {
      const sent = await sendEvents(
        engine.url,
        Array.from({ length: N }, (_, n) => ({ name: "test/sleep", data: { n } })),
      );
      expect(sent.ids).toHaveLength(N);
      await waitForRuns(
        engine.url,
        "scale-sleeper",
        (r) => r.length === N && r.every((x) => x.status === "sleeping"),
        60_000,
      );
      expect(resumed.size).toBe(0);
      const moved = await advance(engine.url, 3_600_000);
      expect(moved.fired).toBe(N);
      const runs = await waitForRuns(
        engine.url,
        "scale-sleeper",
        (r) => r.every((x) => x.status === "completed"),
        60_000,
      );
      expect(new Set(runs.map((r) => r.output)).size).toBe(N);
      expect(resumed.size).toBe(N);
      expect([...resumed.values()].every((c) => c === 1)).toBe(true);
    },
  );
});
