import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import type { Server } from "node:http";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import express from "express";
import type { Inngest, InngestFunction } from "inngest";
import { serve } from "inngest/express";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { startEmbeddedMongo } from "../../../sandbox/mongo/index.js";
import type { EmbeddedMongo } from "../../../sandbox/mongo/index.js";
import { listRuns, waitForRuns } from "./support/engine-client.js";
import { sendEvents } from "./support/send.js";
import { createClient } from "./support/test-app.js";

// Async checkpointing: the SDK runs a function's steps back to back within one call and reports each
// step to the engine as it ends. A reported step is stored before the SDK moves on (so it survives a
// kill -9 of the engine), and a run that was cancelled meanwhile runs no further step.
const repoRoot = join(import.meta.dirname, "../../..");
const cleanups: (() => Promise<unknown> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** serve() on a random port, counting the engine's calls (POSTs) to it. */
async function serveCounting(inngest: Inngest, functions: InngestFunction.Any[]) {
  const counted = { calls: 0 };
  const app = express();
  app.use("/api/inngest", (req, _res, next) => {
    if (req.method === "POST") counted.calls++;
    next();
  });
  app.use("/api/inngest", express.json({ limit: "10mb" }), serve({ client: inngest, functions }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  return { url, counted };
}

async function memoryEngine(): Promise<LocalEngine> {
  const engine = await startLocalEngine({ memory: true, quiet: true });
  cleanups.push(() => engine.stop());
  return engine;
}

describe("checkpointed steps", () => {
  test("a run's steps go in one call, each one stored before the next starts", async () => {
    const engine = await memoryEngine();
    const inngest = createClient({ engineUrl: engine.url, id: "cp" });
    const seenByB: string[] = [];
    const fn = inngest.createFunction(
      { id: "chain", triggers: [{ event: "test/chain" }] },
      async ({ step }) => {
        const a = await step.run("a", () => 1);
        const b = await step.run("b", async () => {
          // what the engine shows while b runs: a is already done
          const [run] = await listRuns(engine.url, "cp-chain");
          seenByB.push(...(run?.steps ?? []).map((s) => `${s.id}:${s.status}`));
          return a + 1;
        });
        const c = await step.run("c", () => b + 1);
        return { a, b, c };
      },
    );
    const app = await serveCounting(inngest, [fn]);
    expect((await engine.syncApp(app.url)).ok).toBe(true);

    await sendEvents(engine.url, [{ name: "test/chain" }]);
    const [run] = await waitForRuns(engine.url, "cp-chain", (r) => r[0]?.status === "completed");
    expect(run?.output).toEqual({ a: 1, b: 2, c: 3 });
    expect(run?.steps.map((s) => [s.id, s.status, s.output])).toEqual([
      ["a", "completed", 1],
      ["b", "completed", 2],
      ["c", "completed", 3],
    ]);
    expect(seenByB).toEqual(["a:completed"]);
    expect(app.counted.calls).toBe(1);
  });

  test("a run cancelled while its call is in flight runs no further step", async () => {
    const engine = await memoryEngine();
    const inngest = createClient({ engineUrl: engine.url, id: "cp" });
    const ran: string[] = [];
    const fn = inngest.createFunction(
      { id: "cancelled", triggers: [{ event: "test/cancel-me" }] },
      async ({ step, runId }) => {
        await step.run("cancel", async () => {
          ran.push("cancel");
          await fetch(`${engine.url}/runs/${runId}/cancel`, { method: "POST" });
        });
        await step.run("after", () => ran.push("after"));
        return "done";
      },
    );
    const app = await serveCounting(inngest, [fn]);
    expect((await engine.syncApp(app.url)).ok).toBe(true);

    await sendEvents(engine.url, [{ name: "test/cancel-me" }]);
    await waitForRuns(engine.url, "cp-cancelled", (r) => r[0]?.status === "cancelled");
    expect(await engine.settle()).toBe(true);
    expect(ran).toEqual(["cancel"]);
  });

  test("sends that arrive together each get their own ids; a repeated id starts one run", async () => {
    const engine = await memoryEngine();
    const inngest = createClient({ engineUrl: engine.url, id: "cp" });
    const fn = inngest.createFunction({ id: "one", triggers: [{ event: "test/one" }] }, async ({ event }) => {
      return event.data.n;
    });
    const app = await serveCounting(inngest, [fn]);
    expect((await engine.syncApp(app.url)).ok).toBe(true);

    // 40 senders at once; each id is sent by two of them
    const sends = Array.from({ length: 40 }, (_, i) => {
      const n = i % 20;
      return { n, answer: sendEvents(engine.url, [{ name: "test/one", id: `one-${n}`, data: { n } }]) };
    });
    for (const { n, answer } of sends) expect((await answer).ids).toEqual([`one-${n}`]);
    const runs = await waitForRuns(
      engine.url,
      "cp-one",
      (r) => r.length === 20 && r.every((x) => x.status === "completed"),
    );
    expect(runs.map((r) => r.output).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 20 }, (_, n) => n),
    );
  });
});

// ---- kill -9 of an engine process mid-call ----------------------------------------------------

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** `npm run engine`'s entry as its own process, keeping its state in the given MongoDB. */
async function engineProcess(port: number, mongoUri: string, appUrl: string): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, MONGODB_URI: mongoUri };
  for (const name of ["INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY", "NODE_ENV"]) delete env[name];
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "sandbox/engine/cli.ts", "--port", String(port), "--app-url", appUrl, "--quiet"],
    { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const deadline = Date.now() + 30_000;
  while (!/listening on http/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`engine did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

/** Until the engine has synced an app (its --app-url). */
async function synced(engineUrl: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { apps } = (await (await fetch(`${engineUrl}/apps`)).json()) as { apps: unknown[] };
    if (apps.length > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the app was not synced");
}

describe("checkpoints survive a kill -9 of the engine", () => {
  let mongo: EmbeddedMongo;
  afterAll(async () => {
    await mongo?.stop();
  });

  test(
    "a step acknowledged before the kill does not run again; the run completes",
    { timeout: 90_000 },
    async () => {
      mongo = await startEmbeddedMongo({ port: 0, quiet: true });
      const port = await freePort();
      const engineUrl = `http://127.0.0.1:${port}`;
      const inngest = createClient({ engineUrl, id: "crash" });
      const ran = { first: 0, second: 0 };
      let secondStarted!: () => void;
      const started = new Promise<void>((resolve) => (secondStarted = resolve));
      let openGate!: () => void;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const fn = inngest.createFunction(
        { id: "two", triggers: [{ event: "test/two" }] },
        async ({ step }) => {
          const first = await step.run("first", () => ++ran.first);
          const second = await step.run("second", async () => {
            ran.second++;
            secondStarted();
            await gate;
            return "second done";
          });
          return { first, second };
        },
      );
      const app = await serveCounting(inngest, [fn]);

      const engine = await engineProcess(port, mongo.uri, app.url);
      await synced(engineUrl);
      await sendEvents(engineUrl, [{ name: "test/two" }]);
      await started; // "first" was acknowledged: the SDK moves on only after its checkpoint's answer

      engine.kill("SIGKILL");
      await new Promise((resolve) => engine.once("exit", resolve));
      await engineProcess(port, mongo.uri, app.url);
      openGate();

      const [run] = await waitForRuns(engineUrl, "crash-two", (r) => r[0]?.status === "completed", 30_000);
      expect(run?.output).toEqual({ first: 1, second: "second done" });
      expect(ran.first).toBe(1);
      // the step in flight at the kill was not acknowledged: it may run again (at least once)
      expect(ran.second).toBeGreaterThanOrEqual(1);
    },
  );
});
