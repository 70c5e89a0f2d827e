// `npm start` (sandbox/main.ts) refuses to start, with one line naming the variable and before it
// starts anything, when it was given production settings (it would run them in dev mode), two
// servers on one port, a port that is taken, or a data directory it cannot use.
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeServer, listen, portOf } from "../../shared/http/index.js";
import { startEntry } from "../support/entry-process.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "sandbox-refusals-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const FREE_PORTS = { PORT: "0", WORKER_PORT: "0", SANDBOX_PORT: "0", INNGEST_ENGINE_PORT: "0" };

/** Runs sandbox/main.ts to its exit; its output must be exactly one line (no notice, no stand-in started). */
async function refusal(env: Record<string, string>): Promise<string> {
  const sandbox = startEntry("sandbox/main.ts", {
    SANDBOX_DATA_DIR: dataDir,
    LOG_LEVEL: "info",
    ...FREE_PORTS,
    ...env,
  });
  expect(await sandbox.exited).toBe(1);
  const lines = sandbox.output().trim().split("\n");
  expect(lines, sandbox.output()).toHaveLength(1);
  expect(lines[0]).not.toMatch(/development stand-ins|embedded-mongo|\[engine\]|\bat \S+:\d+/);
  return lines[0]!;
}

const CLOUD = {
  INNGEST_EVENT_KEY: "event-key-123",
  INNGEST_SIGNING_KEY: "signkey-prod-0123456789abcdef",
  INNGEST_SERVE_ORIGIN: "https://bot.example.com",
  MONGODB_URI: "mongodb://127.0.0.1:9/none",
};

describe("npm start refuses, with one line and nothing started", () => {
  it("production settings (NODE_ENV=production INNGEST_DEV=0 with keys): never a silent dev mode", async () => {
    const line = await refusal({ NODE_ENV: "production", INNGEST_DEV: "0", ...CLOUD });
    expect(line).toMatch(/^NODE_ENV=production: npm start is the development sandbox/);
    expect(line).toContain("npm run start:web");
  }, 30_000);

  it("cloud mode (INNGEST_DEV=0 with keys)", async () => {
    const line = await refusal({ INNGEST_DEV: "0", ...CLOUD });
    expect(line).toMatch(/^INNGEST_DEV=0: npm start runs its apps in dev mode/);
  }, 30_000);

  it("two servers configured on one port", async () => {
    const line = await refusal({ WORKER_PORT: "41234", SANDBOX_PORT: "41234" });
    expect(line).toBe(
      "SANDBOX_PORT=41234 is the port of WORKER_PORT too: each server of the sandbox needs its own port (0 = any free port)",
    );
  }, 30_000);

  it("a port that is already in use", async () => {
    const busy: Server = await listen(() => {}, 0, "127.0.0.1");
    try {
      const port = portOf(busy);
      const line = await refusal({ INNGEST_ENGINE_PORT: String(port) });
      expect(line).toMatch(
        new RegExp(
          `^INNGEST_ENGINE_PORT=${port}: cannot listen on 127.0.0.1:${port}: the port is already in use`,
        ),
      );
    } finally {
      await closeServer(busy);
    }
  }, 30_000);

  it("a busy SANDBOX_PORT, the one address a person opens", async () => {
    const busy: Server = await listen(() => {}, 0, "127.0.0.1");
    try {
      const port = portOf(busy);
      const line = await refusal({ SANDBOX_PORT: String(port) });
      expect(line).toMatch(
        new RegExp(`^SANDBOX_PORT=${port}: cannot listen on 127.0.0.1:${port}: the port is already in use`),
      );
    } finally {
      await closeServer(busy);
    }
  }, 30_000);

  it("a data directory it cannot create (SANDBOX_DATA_DIR=/proc/nope), at once instead of hanging", async () => {
    const line = await refusal({ SANDBOX_DATA_DIR: "/proc/nope" });
    expect(line).toMatch(/^SANDBOX_DATA_DIR=\/proc\/nope: the sandbox cannot keep its data there/);
  }, 30_000);
});
