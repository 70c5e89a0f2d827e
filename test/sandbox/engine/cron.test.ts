import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cron } from "inngest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { advance, listRuns } from "./support/engine-client.js";
import { createClient, serveApp } from "./support/test-app.js";

// Cron triggers with a time zone fire on the engine's clock.
let engine: LocalEngine;
let app: { url: string; stop(): Promise<void> };

/** The next instant after `fromMs` at which Berlin wall-clock time reads 03:00 (an oracle independent of croner). */
function nextBerlinThreeAm(fromMs: number): number {
  const fmt = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Berlin",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  let t = Math.ceil((fromMs + 1) / 60_000) * 60_000;
  while (fmt.format(new Date(t)) !== "03:00") t += 60_000;
  return t;
}

beforeAll(async () => {
  engine = await startLocalEngine({ memory: true, quiet: true });
  const inngest = createClient({ engineUrl: engine.url, id: "cron" });
  const nightly = inngest.createFunction(
    { id: "nightly", triggers: [cron("TZ=Europe/Berlin 0 3 * * *")] },
    async ({ event, step }) => step.run("report", () => ({ trigger: event.name })),
  );
  app = await serveApp(inngest, [nightly]);
  expect((await engine.syncApp(app.url)).ok).toBe(true);
  await engine.settle();
});

afterAll(async () => {
  await app?.stop();
  await engine?.stop();
});

describe("cron", () => {
  test("fires at 03:00 Berlin time, not before, once per day", async () => {
    const due = nextBerlinThreeAm(engine.nowMs());
    await advance(engine.url, Math.max(0, due - engine.nowMs() - 120_000));
    expect(await listRuns(engine.url, "cron-nightly")).toEqual([]);
    const first = await advance(engine.url, 121_000);
    expect(first.fired).toBe(1);
    let runs = await listRuns(engine.url, "cron-nightly");
    expect(runs.map((r) => [r.status, r.output])).toEqual([
      ["completed", { trigger: "inngest/scheduled.timer" }],
    ]);
    await advance(engine.url, 24 * 3_600_000);
    runs = await listRuns(engine.url, "cron-nightly");
    expect(runs).toHaveLength(2);
  });
});
