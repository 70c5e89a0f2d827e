import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startLocalEngineProcess, type SandboxEngine } from "../../sandbox/engine-process.js";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../sandbox/mongo/index.js";
import { waitForRuns } from "./engine/support/engine-client.js";
import { sendEvents } from "./engine/support/send.js";
import { createClient, serveApp } from "./engine/support/test-app.js";

// npm start runs the local engine in a child process. The apps (here: this process) read the
// engine's clock from a mirror that must move with every advance before the runs it fires call
// them, however the clock was moved (the page's HTTP API or the sandbox's own handle).
let mongo: EmbeddedMongo;
let engine: SandboxEngine & { pid: number };
let app: { url: string; stop(): Promise<void> };
const HOUR = 3_600_000;

beforeAll(async () => {
  mongo = await startEmbeddedMongo({ port: 0, quiet: true });
  engine = await startLocalEngineProcess({
    port: 0,
    host: "127.0.0.1",
    mongoUri: mongo.uri,
    mongoDbName: "engine_process_test",
  });
  const inngest = createClient({ engineUrl: engine.url, id: "mirror" });
  const fn = inngest.createFunction({ id: "wake", triggers: [{ event: "test/wake" }] }, async ({ step }) => {
    await step.sleep("nap", "1h");
    // what the product's clock says when the woken run calls the app
    return step.run("read-clock", () => engine.nowMs());
  });
  app = await serveApp(inngest, [fn]);
  expect((await engine.syncApp(app.url)).ok).toBe(true);
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await engine?.stop();
  await mongo?.stop();
});

describe("the engine in its own process", () => {
  test("an advance over HTTP moves this process's clock before the woken run calls the app", async () => {
    await sendEvents(engine.url, [{ name: "test/wake" }]);
    await waitForRuns(engine.url, "mirror-wake", (r) => r[0]?.status === "sleeping");
    const before = engine.nowMs();
    const res = await fetch(`${engine.url}/clock/advance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ms: HOUR }),
    });
    expect(((await res.json()) as { fired: number }).fired).toBe(1);
    const [run] = await waitForRuns(engine.url, "mirror-wake", (r) => r[0]?.status === "completed");
    expect(run?.output as number).toBeGreaterThanOrEqual(before + HOUR);
    expect(engine.nowMs()).toBeGreaterThanOrEqual(before + HOUR);
  });

  test("advance and settle through the handle; stop ends the process", async () => {
    const before = engine.nowMs();
    const moved = await engine.advance(60_000);
    expect(Date.parse(moved.now)).toBeGreaterThanOrEqual(before + 60_000);
    expect(engine.nowMs()).toBeGreaterThanOrEqual(before + 60_000);
    expect(await engine.settle(5_000)).toBe(true);

    await engine.stop();
    expect(() => process.kill(engine.pid, 0)).toThrow();
    await expect(fetch(`${engine.url}/clock`)).rejects.toThrow();
  });
});
