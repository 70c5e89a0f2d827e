// The worker's entry points as real processes. worker/main.ts (the Procfile's production worker)
// refuses to start without MONGODB_URI or with the simulated phones, serves /healthz (503 until
// WhatsApp is ready) and exits cleanly on SIGTERM; sandbox/worker-main.ts runs the same worker with
// the simulated phones and their HTTP API.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEntry, type EntryProcess } from "../support/entry-process.js";
import { startTestMongo, type TestMongo } from "../support/mongo.js";

/** The port from the "worker listening" log line. */
async function listeningPort(entry: EntryProcess): Promise<number> {
  const match = await entry.waitFor(/"port":(\d+)[^\n]*worker listening/);
  return Number(match[1]);
}

let mongo: TestMongo;
let authDir: string;
beforeAll(async () => {
  mongo = await startTestMongo();
  authDir = await mkdtemp(path.join(tmpdir(), "worker-main-auth-"));
});
afterAll(async () => {
  await mongo.stop();
  await rm(authDir, { recursive: true, force: true });
});

function serverEnv(): Record<string, string> {
  return {
    LOG_LEVEL: "info",
    MONGODB_URI: mongo.uri,
    MONGODB_DB: mongo.dbName,
    WORKER_PORT: "0",
    // Nothing listens here: the worker must start without the engine (it syncs when the engine calls).
    INNGEST_BASE_URL: "http://127.0.0.1:9",
    INNGEST_DEV: "1",
  };
}

describe("worker/main.ts (production worker)", () => {
  it("fails with a clear message when MONGODB_URI is not set", async () => {
    const worker = startEntry("worker/main.ts", { NODE_ENV: "development", LOG_LEVEL: "silent" });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/MONGODB_URI is required/);
  });

  it("refuses the simulated phones and says where they run, without a stack trace", async () => {
    const worker = startEntry("worker/main.ts", { ...serverEnv(), WHATSAPP_TRANSPORT: "sandbox" });
    expect(await worker.exited).toBe(1);
    const output = worker.output();
    expect(output).toMatch(/WHATSAPP_TRANSPORT=sandbox/);
    expect(output).toContain("npm start");
    expect(output).toContain("sandbox/worker-main.ts");
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain(mongo.uri);
  });

  it("serves /healthz (503 until WhatsApp is ready) and stops cleanly on SIGTERM", async () => {
    const worker = startEntry("worker/main.ts", {
      ...serverEnv(),
      WHATSAPP_TRANSPORT: "wwebjs",
      WHATSAPP_AUTH_DIR: authDir,
      // No browser here: WhatsApp never becomes ready, the worker keeps serving and retrying.
      WHATSAPP_CHROMIUM_PATH: path.join(authDir, "no-such-chromium"),
    });
    try {
      const port = await listeningPort(worker);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(503);
      const body = (await health.json()) as { accountId: string; state: string };
      expect(body.accountId).toBe("default");
      expect(body.state).not.toBe("ready");
      // No simulated phones in the production worker.
      expect((await fetch(`http://127.0.0.1:${port}/sandbox/whatsapp/chats`)).status).toBe(404);
      // The URI (a secret) never reaches the log.
      expect(worker.output()).not.toContain(mongo.uri);

      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    }
  }, 30_000);
});

describe("sandbox/worker-main.ts (worker with simulated phones)", () => {
  it("serves /healthz and the simulated phones, and stops cleanly on SIGTERM", async () => {
    const worker = startEntry("sandbox/worker-main.ts", {
      ...serverEnv(),
      NODE_ENV: "development",
      WHATSAPP_TRANSPORT: "sandbox",
    });
    try {
      const port = await listeningPort(worker);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ accountId: "default", state: "ready" });
      const chats = await fetch(`http://127.0.0.1:${port}/sandbox/whatsapp/chats`);
      expect(await chats.json()).toEqual({ chats: [] });
      expect(worker.output()).not.toContain(mongo.uri);

      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    }
  }, 30_000);
});
