import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import express from "express";
import { serve } from "inngest/express";
import { afterAll, describe, expect, test } from "vitest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { createClient } from "./support/test-app.js";

// `appUrls` (--app-url): the engine syncs apps that start after it, and again when they come back.
let engine: LocalEngine | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function startAppOn(port: number, engineUrl: string, fnIds: string[]) {
  const inngest = createClient({ engineUrl, id: "late" });
  const fns = fnIds.map((id) =>
    inngest.createFunction({ id, triggers: [{ event: `test/${id}` }] }, async () => id),
  );
  const app = express();
  app.use("/api/inngest", express.json({ limit: "10mb" }), serve({ client: inngest, functions: fns }));
  return new Promise<{ close(): Promise<void> }>((resolve) => {
    const server = app.listen(port, "127.0.0.1", () =>
      resolve({
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    );
  });
}

async function functionsListed(url: string, expected: string[], timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const body = (await (await fetch(`${url}/apps`)).json()) as { apps: { functions: string[] }[] };
    const listed = body.apps.flatMap((a) => a.functions).sort();
    if (JSON.stringify(listed) === JSON.stringify(expected)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

afterAll(async () => {
  await engine?.stop();
});

describe("app urls", () => {
  test("an app that starts later is synced, and re-synced with its new functions when it comes back", async () => {
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}/api/inngest`;
    engine = await startLocalEngine({ memory: true, quiet: true, appUrls: [appUrl], appSyncIntervalMs: 50 });
    expect(await functionsListed(engine.url, [], 200)).toBe(true);

    const first = await startAppOn(port, engine.url, ["a"]);
    expect(await functionsListed(engine.url, ["late-a"])).toBe(true);
    await first.close();
    await new Promise((r) => setTimeout(r, 200)); // the engine notices it is gone
    const second = await startAppOn(port, engine.url, ["a", "b"]);
    expect(await functionsListed(engine.url, ["late-a", "late-b"])).toBe(true);
    await second.close();
  });

  test("an app restarted with other functions between two polls is re-synced (its introspection changed)", async () => {
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}/api/inngest`;
    const local = await startLocalEngine({
      memory: true,
      quiet: true,
      appUrls: [appUrl],
      appSyncIntervalMs: 200,
    });
    try {
      const first = await startAppOn(port, local.url, ["c"]);
      expect(await functionsListed(local.url, ["late-c"])).toBe(true);
      // down for far less than one poll interval: the watcher never sees it gone
      await first.close();
      const second = await startAppOn(port, local.url, ["c", "d"]);
      expect(await functionsListed(local.url, ["late-c", "late-d"])).toBe(true);
      await second.close();
    } finally {
      await local.stop();
    }
  });
});
