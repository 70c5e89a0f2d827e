import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { canonicalJson } from "../../../sandbox/engine/canonical-json.js";
import { signBody } from "../../../sandbox/engine/signing.js";
import { waitForRuns } from "./support/engine-client.js";
import { createClient, serveApp } from "./support/test-app.js";

// Cloud mode: the app verifies X-Inngest-Signature on every call, so it only runs what the engine
// signed with the shared signing key.
const SIGNING_KEY = "signkey-test-8ee2262a15e8d3c42d6a840db7af3de2aab08ef632b32a37a687f24b34dba3ff";
const EVENT_KEY = "local-event-key";
let engine: LocalEngine;
let app: { url: string; stop(): Promise<void> };

beforeAll(async () => {
  engine = await startLocalEngine({
    memory: true,
    quiet: true,
    signingKey: SIGNING_KEY,
    eventKey: EVENT_KEY,
  });
  const inngest = createClient({
    engineUrl: engine.url,
    id: "cloudy",
    signingKey: SIGNING_KEY,
    eventKey: EVENT_KEY,
  });
  const greet = inngest.createFunction(
    { id: "greet", triggers: [{ event: "test/hello" }] },
    async ({ event, step }) => {
      const name = await step.run("name", () => String(event.data.name).toUpperCase());
      await step.sleep("pause", "1s");
      const sent = await step.sendEvent("echo", { name: "test/echoed", data: { name } });
      return { hello: name, sent: sent.ids.length };
    },
  );
  const echoed = inngest.createFunction(
    { id: "echoed", triggers: [{ event: "test/echoed" }] },
    async ({ event }) => event.data.name,
  );
  app = await serveApp(inngest, [greet, echoed]);
  expect((await engine.syncApp(app.url)).ok).toBe(true);
  await inngest.send({ name: "test/hello", data: { name: "ana" } });
});

afterAll(async () => {
  await app?.stop();
  await engine?.stop();
});

const request = {
  version: 2,
  event: { name: "test/hello", data: { name: "eve" }, id: "x", ts: 1 },
  events: [{ name: "test/hello", data: { name: "eve" }, id: "x", ts: 1 }],
  steps: {},
  ctx: {
    run_id: "01FAKE",
    attempt: 0,
    max_attempts: 1,
    disable_immediate_execution: false,
    use_api: false,
    stack: { stack: [], current: 0 },
  },
};
const call = (headers: Record<string, string>, body = canonicalJson(request)) =>
  fetch(`${app.url}?fnId=cloudy-greet&stepId=step`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

describe("signed mode", () => {
  test("a cloud-mode app runs what the engine signed (steps, sleep, sendEvent with an event key)", async () => {
    await waitForRuns(engine.url, "cloudy-greet", (r) => r[0]?.status === "sleeping");
    await engine.advance(2000);
    const [run] = await waitForRuns(engine.url, "cloudy-greet", (r) => r[0]?.status === "completed");
    expect(run?.output).toEqual({ hello: "ANA", sent: 1 });
    const [echo] = await waitForRuns(engine.url, "cloudy-echoed", (r) => r[0]?.status === "completed");
    expect(echo?.output).toBe("ANA");
  });

  test("the app refuses unsigned, badly signed and wrongly keyed requests", async () => {
    const now = Math.round(Date.now() / 1000);
    const body = canonicalJson(request);
    expect((await call({})).status).toBe(401);
    expect((await call({ "x-inngest-signature": `t=${now}&s=deadbeef` })).status).toBe(401);
    const otherKey = "signkey-test-00000000000000000000000000000000000000000000000000000000000000aa";
    expect((await call({ "x-inngest-signature": signBody(body, otherKey, now) })).status).toBe(401);
    const stale = signBody(body, SIGNING_KEY, now - 3600);
    expect((await call({ "x-inngest-signature": stale })).status).toBe(401);
    // the same request signed like the engine signs it is accepted
    expect((await call({ "x-inngest-signature": signBody(body, SIGNING_KEY, now) })).status).toBe(206);
  });

  test("registration with another signing key is refused", async () => {
    const res = await fetch(`${engine.url}/fn/register`, {
      method: "POST",
      headers: { authorization: "Bearer signkey-test-0000", "content-type": "application/json" },
      body: JSON.stringify({ url: "http://127.0.0.1:1/api/inngest", appName: "intruder", functions: [] }),
    });
    expect(res.status).toBe(401);
    const apps = (await (await fetch(`${engine.url}/apps`)).json()) as { apps: { id: string }[] };
    expect(apps.apps.map((a) => a.id)).toEqual(["cloudy"]);
  });

  test("registration without the signing key (no Authorization header) is refused", async () => {
    const res = await fetch(`${engine.url}/fn/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "http://127.0.0.1:1/api/inngest", appName: "anonymous", functions: [] }),
    });
    expect(res.status).toBe(401);
    const apps = (await (await fetch(`${engine.url}/apps`)).json()) as { apps: { id: string }[] };
    expect(apps.apps.map((a) => a.id)).toEqual(["cloudy"]);
  });

  test("the event API refuses an unknown event key", async () => {
    const res = await fetch(`${engine.url}/e/wrong-key`, {
      method: "POST",
      body: JSON.stringify([{ name: "test/hello" }]),
    });
    expect(res.status).toBe(401);
  });
});
