import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { createClient, serveApp } from "./support/test-app.js";

// Sync refuses what Inngest refuses, so a function that would behave differently in production
// fails loudly at sync time instead of running here with rules Inngest would not accept.
let engine: LocalEngine;
const apps: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  engine = await startLocalEngine({ memory: true, quiet: true });
});

afterAll(async () => {
  for (const app of apps) await app.stop();
  await engine?.stop();
});

async function registeredFunctions(): Promise<string[]> {
  const body = (await (await fetch(`${engine.url}/apps`)).json()) as { apps: { functions: string[] }[] };
  return body.apps.flatMap((a) => a.functions).sort();
}

function register(functions: unknown[]): Promise<Response> {
  return fetch(`${engine.url}/fn/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: "http://127.0.0.1:1/api/inngest", appName: "raw", functions }),
  });
}

const step = { step: { id: "step", runtime: { type: "http", url: "http://127.0.0.1:1/api/inngest" } } };

describe("debounce period limits at sync (Inngest: at least 1s, at most 7d)", () => {
  test("the SDK's sync of a sub-second debounce fails, naming the function and the rule", async () => {
    const inngest = createClient({ engineUrl: engine.url, id: "hasty" });
    const fine = inngest.createFunction(
      { id: "fine", triggers: [{ event: "test/fine" }], debounce: { key: "event.data.k", period: "1s" } },
      async () => "ok",
    );
    const hasty = inngest.createFunction(
      {
        id: "burst",
        triggers: [{ event: "test/burst" }],
        // the SDK's types have no "ms" unit, but a period built from a millisecond setting is sent as is
        debounce: { key: "event.data.k", period: "200ms" as "1s" },
      },
      async () => "ok",
    );
    const app = await serveApp(inngest, [fine, hasty]);
    apps.push(app);
    const sync = await engine.syncApp(app.url);
    expect(sync.ok).toBe(false);
    expect(sync.body).toContain("hasty-burst");
    expect(sync.body).toContain("debounce period must be between 1s and 7d");
    expect(await registeredFunctions()).not.toContain("hasty-fine");
  });

  test("a registration with a debounce over 7 days is answered 400 with the reason", async () => {
    const res = await register([
      { id: "raw-slow", triggers: [{ event: "test/slow" }], steps: step, debounce: { period: "8d" } },
    ]);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(
      "function raw-slow: debounce period must be between 1s and 7d (got 8d)",
    );
  });

  test("1s and 7d are accepted", async () => {
    const res = await register([
      { id: "raw-one", triggers: [{ event: "test/a" }], steps: step, debounce: { period: "1s" } },
      { id: "raw-week", triggers: [{ event: "test/b" }], steps: step, debounce: { period: "7d" } },
    ]);
    expect(res.status).toBe(200);
    expect(await registeredFunctions()).toEqual(["raw-one", "raw-week"]);
  });
});
