// The worker's composition root as a real process: refuses to start without MONGODB_URI, serves
// /healthz and the simulated phones with WHATSAPP_TRANSPORT=sandbox, and exits cleanly on SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestMongo, type TestMongo } from "../support/mongo.js";

const root = new URL("../../", import.meta.url).pathname;
const tsx = `${root}node_modules/.bin/tsx`;

function runWorker(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(tsx, ["worker/main.ts"], {
    cwd: root,
    // A clean environment: only what the test gives (plus PATH/HOME for node itself).
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

let mongo: TestMongo;
beforeAll(async () => {
  mongo = await startTestMongo();
});
afterAll(async () => {
  await mongo.stop();
});

describe("worker/main.ts", () => {
  it("fails with a clear message when MONGODB_URI is not set", async () => {
    const worker = runWorker({ NODE_ENV: "development", LOG_LEVEL: "silent" });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/MONGODB_URI is required/);
  });

  it("serves /healthz and the simulated phones, and stops cleanly on SIGTERM", async () => {
    const worker = runWorker({
      NODE_ENV: "development",
      LOG_LEVEL: "info",
      MONGODB_URI: mongo.uri,
      MONGODB_DB: mongo.dbName,
      WORKER_PORT: "0",
      WHATSAPP_TRANSPORT: "sandbox",
      // Nothing listens here: the worker must start without the engine (it syncs when the engine calls).
      INNGEST_BASE_URL: "http://127.0.0.1:9",
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /"port":(\d+)[^\n]*worker listening/.exec(worker.output());
          if (match) {
            clearInterval(timer);
            resolve(Number(match[1]));
          }
        }, 50);
        void worker.exited.then(() => {
          clearInterval(timer);
          reject(new Error(`worker exited early:\n${worker.output()}`));
        });
      });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ accountId: "default", state: "ready" });
      const chats = await fetch(`http://127.0.0.1:${port}/sandbox/whatsapp/chats`);
      expect(await chats.json()).toEqual({ chats: [] });
      // The URI (a secret) never reaches the log.
      expect(worker.output()).not.toContain(mongo.uri);

      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    }
  }, 30_000);
});
