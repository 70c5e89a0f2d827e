// Fault: `kill -9` of the local engine (`npm run engine`'s entry, its MongoDB store under a data dir)
// and of the app it drives, first while 1,000 runs are being started, then with 1,000 timers and
// waits pending; both restarted on the same data and ports. Must hold: every sleep fires once, every
// wait resolves once (by its event or its timeout), and no step the engine had recorded runs again.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedMongo } from "../../../sandbox/mongo/index.js";
import { killAllGroups, startGroup, type GroupProcess } from "../support/process-group.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "fault-kill-pending-timers-"));
const engineDir = path.join(dataDir, "engine");
const recordFile = path.join(dataDir, "steps.log");
afterAll(() => {
  killAllGroups();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs of the test app's `timers` function, each holding 5 sleeps and 5 waits: 1,000 pending. */
const RUNS = 100;
const NAPS = 5;
const WAITS = 5;
/** Waits whose event comes (wait-0, -2, -4 of every run); the others time out. */
const decided = (i: number) => i % 2 === 0;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Stack {
  engineUrl: string;
  killGroups(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The app on a random port (a new one each start, as npm start's servers), then the engine on its
 * port syncing the app (`--app-url`) before it calls anything.
 */
async function startStack(enginePort: number): Promise<Stack> {
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  const app = await startGroup(
    "test/reliability/support/timer-app.ts",
    [],
    { APP_PORT: "0", ENGINE_URL: engineUrl, RECORD_FILE: recordFile },
    /timer app listening (\S+)/,
  );
  let engine: GroupProcess;
  try {
    engine = await startGroup(
      "sandbox/engine/cli.ts",
      ["--port", String(enginePort), "--data-dir", engineDir, "--app-url", app.ready[1]!, "--quiet"],
      {},
      /listening on http:\/\/127\.0\.0\.1:\d+/,
    );
  } catch (error) {
    await app.killGroup();
    throw error;
  }
  return {
    engineUrl,
    async killGroups() {
      await Promise.all([engine.killGroup(), app.killGroup()]);
    },
    async stop() {
      await engine.stop();
      await app.stop();
    },
  };
}

/** What the app's steps recorded: `<n>:<step>[:<outcome>]@<attempt>`, one line per execution. */
function recorded(): string[] {
  try {
    return readFileSync(recordFile, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

/** How often each step ran: `<n>:<step>[:<outcome>]` → count. */
function executions(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of recorded()) {
    const step = line.slice(0, line.lastIndexOf("@"));
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  return counts;
}

const count = (counts: Map<string, number>, prefix: string) =>
  [...counts].filter(([key]) => key.startsWith(prefix)).reduce((sum, [, n]) => sum + n, 0);

/** The steps the engine had recorded as finished, read from its store while it is down: `<n>:<step>`. */
async function finishedSteps(): Promise<Set<string>> {
  const mongo = await startEmbeddedMongo({ dataDir: engineDir, quiet: true });
  const client = new MongoClient(mongo.uri);
  try {
    await client.connect();
    const docs = await client.db("inngest_local_engine").collection("engine_runs").find().toArray();
    const finished = new Set<string>();
    for (const doc of docs) {
      const run = JSON.parse(String(doc["json"])) as {
        event: { data: { n: number } };
        steps: { id: string; status: string }[];
      };
      for (const step of run.steps) {
        if (step.status === "completed") finished.add(`${run.event.data.n}:${step.id}`);
      }
    }
    return finished;
  } finally {
    await client.close();
    await mongo.stop();
  }
}

type RunView = { functionId: string; status: string; steps: { id: string; status: string }[] };

async function runs(engineUrl: string, status?: string): Promise<RunView[]> {
  const res = await fetch(`${engineUrl}/runs${status ? `?status=${status}` : ""}`);
  return ((await res.json()) as { runs: RunView[] }).runs;
}

async function sendEvents(engineUrl: string, events: { name: string; data: Record<string, unknown> }[]) {
  const res = await fetch(`${engineUrl}/e/test-key`, { method: "POST", body: JSON.stringify(events) });
  expect(res.status).toBe(200);
}

async function advance(engineUrl: string, ms: number): Promise<{ fired: number }> {
  const res = await fetch(`${engineUrl}/clock/advance`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ms }),
  });
  return (await res.json()) as { fired: number };
}

async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("kill -9 of the engine and its app with 1,000 timers and waits pending", () => {
  it("fires every sleep once, resolves every wait once and runs no recorded step again", async () => {
    const enginePort = await freePort();
    let stack = await startStack(enginePort);
    await sendEvents(
      stack.engineUrl,
      Array.from({ length: RUNS }, (_, n) => ({ name: "test/timers", data: { n } })),
    );
    /** Every run holds its 10 timers and waits (nothing else is left to do in them). */
    const allPending = async () => {
      const waiting = await runs(stack.engineUrl);
      return (
        waiting.length === RUNS &&
        waiting.every((r) => r.status === "sleeping" || r.status === "waiting") &&
        waiting.every((r) => r.steps.filter((step) => /^(nap|wait)-/.test(step.id)).length === NAPS + WAITS)
      );
    };
    await until("1,000 timers and waits pending", allPending);

    // First kill: 1,000 timers and waits pending. After the restart they all still are.
    await stack.killGroups();
    stack = await startStack(enginePort);
    expect(await allPending()).toBe(true);

    // Second kill: while they resolve. Waits 0, 2 and 4 of every run get their event, every sleep
    // (1 to 9 minutes) comes due, and the steps after them are running when the group is killed.
    await sendEvents(
      stack.engineUrl,
      Array.from({ length: WAITS }, (_, i) => i)
        .filter(decided)
        .map((i) => ({ name: "test/decided", data: { wait: i } })),
    );
    const moved = advance(stack.engineUrl, 10 * 60_000).catch(() => undefined);
    await until("steps after the timers running", () => count(executions(), "") >= RUNS + 200);
    await stack.killGroups();
    await moved;
    const atKill = executions();
    const finishedAtKill = await finishedSteps();
    const finishedAfterSteps = [...finishedAtKill].filter((key) => key.includes(":after-"));
    expect(finishedAfterSteps.length).toBeGreaterThan(0);
    expect(finishedAfterSteps.length).toBeLessThan(RUNS * (NAPS + WAITS));

    stack = await startStack(enginePort);
    try {
      // The sleeps are due already; the other waits reach their 30-minute timeout.
      await advance(stack.engineUrl, 30 * 60_000);
      await until(
        "every run completed",
        async () => (await runs(stack.engineUrl, "completed")).length === RUNS,
      );
    } finally {
      await stack.stop();
    }

    // Every step ran once, and once more only where the kill cut it off before the engine recorded
    // it: nothing the engine had recorded ran again, no sleep fired twice, no wait resolved twice.
    const final = executions();
    const steps = Array.from({ length: RUNS }, (_, n) => [
      `${n}:before`,
      ...Array.from({ length: NAPS }, (_, i) => `${n}:after-nap-${i}`),
      ...Array.from({ length: WAITS }, (_, i) => `${n}:after-wait-${i}:${decided(i) ? "event" : "timeout"}`),
    ]).flat();
    for (const step of steps) {
      const id = step.replace(/:(event|timeout)$/, "");
      expect(final.get(step), step).toBe((atKill.get(step) ?? 0) + (finishedAtKill.has(id) ? 0 : 1));
    }
    // The "before" steps were all recorded at the first kill: none ran a second time.
    for (let n = 0; n < RUNS; n++) expect(final.get(`${n}:before`)).toBe(1);
    // Every step ran at its first attempt: no call went to where the app served before a restart
    // (each would have cost a retry).
    expect(recorded().filter((line) => !line.endsWith("@0"))).toEqual([]);
    // Nothing else ran (no wait resolved the other way).
    expect(count(final, "")).toBe(steps.reduce((sum, step) => sum + (final.get(step) ?? 0), 0));
  }, 240_000);
});
