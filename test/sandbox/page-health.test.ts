// GET /healthz of the sandbox page: 200 only once every part is up, else 503 naming what is missing.
import express from "express";
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { closeServer, listen, portOf } from "../../shared/http/index.js";
import { startTestMongo } from "../support/mongo.js";
import { createSandboxPage } from "../../sandbox/page/router.js";
import type { HealthChecks } from "../../sandbox/page/health.js";

let server: Server | undefined;
afterEach(async () => {
  if (server) await closeServer(server, { abortOpen: true });
  server = undefined;
});

async function healthWith(checks: HealthChecks): Promise<{ status: number; body: unknown }> {
  const mongo = await startTestMongo();
  try {
    const page = createSandboxPage({
      engineUrl: "http://127.0.0.1:9",
      db: mongo.client.db(mongo.dbName),
      onPhoneChange: () => () => {},
      workspace: undefined,
      health: checks,
    });
    const app = express();
    app.use(page.router);
    server = await listen(app, 0, "127.0.0.1");
    const res = await fetch(`http://127.0.0.1:${portOf(server)}/healthz`);
    page.close();
    return { status: res.status, body: await res.json() };
  } finally {
    await mongo.stop();
  }
}

const up: HealthChecks = {
  mongo: async () => true,
  engine: async () => true,
  apps: () => ({ worker: true, web: true }),
  gateway: () => true,
};

describe("the sandbox page's /healthz", () => {
  it("is 200 {ok: true} once MongoDB, the engine, both synced apps and the gateway are up", async () => {
    expect(await healthWith(up)).toEqual({
      status: 200,
      body: {
        ok: true,
        mongo: true,
        engine: true,
        apps: { worker: true, web: true },
        gateway: true,
        missing: [],
      },
    });
  });

  it("is 503 naming each part that is missing, a check that throws counting as down", async () => {
    const answer = await healthWith({
      ...up,
      engine: async () => {
        throw new Error("connection refused");
      },
      apps: () => ({ worker: true, web: false }),
      gateway: () => false,
    });
    expect(answer).toEqual({
      status: 503,
      body: expect.objectContaining({
        ok: false,
        engine: false,
        missing: ["engine", "web app (not synced)", "gateway"],
      }),
    });
  });

  it("answers the engine's clock and runs with a clear 502 when the engine does not answer", async () => {
    const mongo = await startTestMongo();
    try {
      const page = createSandboxPage({
        engineUrl: "http://127.0.0.1:9",
        db: mongo.client.db(mongo.dbName),
        onPhoneChange: () => () => {},
        workspace: undefined,
        health: up,
      });
      const app = express();
      app.use(page.router);
      server = await listen(app, 0, "127.0.0.1");
      const base = `http://127.0.0.1:${portOf(server)}`;
      for (const path of ["/sandbox/clock", "/sandbox/runs?status=waiting"]) {
        const res = await fetch(`${base}${path}`);
        expect(res.status).toBe(502);
        expect(await res.json()).toEqual({ error: "the local engine did not answer" });
      }
      page.close();
    } finally {
      await mongo.stop();
    }
  });
});
