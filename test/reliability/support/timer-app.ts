// A small Inngest app (the real SDK, Express serve()) run as a process of its own, for fault tests
// that kill it: every step it runs appends one line `<n>:<step>[:<outcome>]@<attempt>` to
// RECORD_FILE before it returns, so the executions of each step (and the retries spent on them)
// can be counted across a kill -9.
//
// `timers` (event test/timers {n}): step "before", then ten timers and waits at once, each followed
// by its own step: sleeps "nap-0".."nap-4" of (1 + i + n % 5) minutes ▸ step "after-nap-<i>", and
// waits "wait-0".."wait-4" for test/decided with data.wait = i (30 minutes) ▸ step
// "after-wait-<i>" (outcome event | timeout).
// Env: APP_PORT, ENGINE_URL (the engine the client sends to), RECORD_FILE. Prints
// `timer app listening <serve url>` once it serves.
import { appendFileSync } from "node:fs";
import express from "express";
import { serve } from "inngest/express";
import { createClient } from "../../sandbox/engine/support/test-app.js";

const TIMERS_PER_RUN = 5;
const WAITS_PER_RUN = 5;

const port = Number(process.env["APP_PORT"] ?? "0");
const engineUrl = process.env["ENGINE_URL"] ?? "";
const recordFile = process.env["RECORD_FILE"] ?? "";
if (!engineUrl || !recordFile) throw new Error("ENGINE_URL and RECORD_FILE must be set");

const record = (line: string, attempt: number): string => {
  appendFileSync(recordFile, `${line}@${attempt}\n`);
  return line;
};

const inngest = createClient({ engineUrl, id: "faults" });
const timers = inngest.createFunction(
  { id: "timers", triggers: [{ event: "test/timers" }] },
  async ({ event, step, attempt }) => {
    const { n } = event.data as { n: number };
    await step.run("before", () => record(`${n}:before`, attempt));
    const naps = Array.from({ length: TIMERS_PER_RUN }, async (_, i) => {
      await step.sleep(`nap-${i}`, `${1 + i + (n % 5)}m`);
      return step.run(`after-nap-${i}`, () => record(`${n}:after-nap-${i}`, attempt));
    });
    const waits = Array.from({ length: WAITS_PER_RUN }, async (_, i) => {
      const decided = await step.waitForEvent(`wait-${i}`, {
        event: "test/decided",
        if: `async.data.wait == ${i}`,
        timeout: "30m",
      });
      return step.run(`after-wait-${i}`, () =>
        record(`${n}:after-wait-${i}:${decided ? "event" : "timeout"}`, attempt),
      );
    });
    return Promise.all([...naps, ...waits]);
  },
);

const app = express();
app.use("/api/inngest", express.json({ limit: "10mb" }), serve({ client: inngest, functions: [timers] }));
const server = app.listen(port, "127.0.0.1", () => {
  const address = server.address() as { port: number };
  console.log(`timer app listening http://127.0.0.1:${address.port}/api/inngest`);
});
