import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { advance, listRuns, waitForRuns } from "./support/engine-client.js";
import { sendEvents } from "./support/send.js";
import { createClient, serveApp } from "./support/test-app.js";

// The standalone engine (`sandbox/engine/cli.ts`) with its embedded MongoDB under --data-dir,
// killed with SIGKILL mid-sleep and started again: nothing it reported is lost.
let dataDir: string;
let port: number;
let child: ChildProcess | undefined;
let output = "";
let app: { url: string; stop(): Promise<void> };
const calls: Record<string, number> = {};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function startCli(extra: string[] = []): Promise<void> {
  const { MONGODB_URI: _ignored, ...env } = process.env;
  output = "";
  child = spawn(
    process.execPath,
    ["--import", "tsx", "sandbox/engine/cli.ts", "--port", String(port), "--data-dir", dataDir, ...extra],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/clock`).then(
      (r) => r.ok,
      () => false,
    );
    // ready once it answers and has printed its banner
    if (ok && output.includes("Local Inngest engine listening")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`engine did not start:\n${output}`);
}

function kill9(): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "engine-cli-"));
  port = await freePort();
  const engineUrl = `http://127.0.0.1:${port}`;
  const inngest = createClient({ engineUrl, id: "cli" });
  const nap = inngest.createFunction(
    { id: "nap", triggers: [{ event: "test/nap" }] },
    async ({ event, step }) => {
      await step.run(
        "before",
        () => (calls[`before:${event.data.n}`] = (calls[`before:${event.data.n}`] ?? 0) + 1),
      );
      await step.sleep("nap", "10m");
      await step.run(
        "after",
        () => (calls[`after:${event.data.n}`] = (calls[`after:${event.data.n}`] ?? 0) + 1),
      );
      return "rested";
    },
  );
  app = await serveApp(inngest, [nap]);
  await startCli(["--app-url", app.url]);
}, 60_000);

afterAll(async () => {
  await kill9();
  await app?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("standalone engine", () => {
  test("says it is a local stand-in and that production uses Inngest", () => {
    expect(output).toContain("local stand-in");
    expect(output).toContain("Production uses Inngest");
  });

  test(
    "kill -9 mid-sleep, restart on the same data dir: the sleep fires once, steps don't re-run",
    { timeout: 60_000 },
    async () => {
      const engineUrl = `http://127.0.0.1:${port}`;
      await sendEvents(engineUrl, [
        { name: "test/nap", data: { n: 1 } },
        { name: "test/nap", data: { n: 2 } },
      ]);
      await waitForRuns(
        engineUrl,
        "cli-nap",
        (r) => r.length === 2 && r.every((x) => x.status === "sleeping"),
      );
      await advance(engineUrl, 60_000);
      const before = Date.parse(((await (await fetch(`${engineUrl}/clock`)).json()) as { now: string }).now);

      await kill9();
      await startCli(); // no --app-url: the app registration is in the data dir too
      const after = Date.parse(((await (await fetch(`${engineUrl}/clock`)).json()) as { now: string }).now);
      expect(after).toBeGreaterThanOrEqual(before);
      expect((await listRuns(engineUrl, "cli-nap")).map((r) => r.status)).toEqual(["sleeping", "sleeping"]);

      const moved = await advance(engineUrl, 10 * 60_000);
      expect(moved.fired).toBe(2);
      const runs = await waitForRuns(engineUrl, "cli-nap", (r) => r.every((x) => x.status === "completed"));
      expect(runs.map((r) => r.output)).toEqual(["rested", "rested"]);
      expect(calls).toEqual({ "before:1": 1, "before:2": 1, "after:1": 1, "after:2": 1 });
    },
  );
});
