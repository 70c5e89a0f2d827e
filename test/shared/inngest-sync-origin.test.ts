// Who decides where the engine calls us. In production (cloud mode, signing keys) a sync is a PUT to
// /api/inngest that anyone who can reach the app may send; the URL the app registers must be the
// configured public origin, never what the request's Host header (or query, or path) says.
import { request } from "node:http";
import type { IncomingMessage, ServerResponse, Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, type Config } from "../../shared/config/index.js";
import { closeServer, listen, portOf } from "../../shared/http/index.js";
import { createInngestClient, slackAppId } from "../../shared/inngest.js";
import { startLocalEngine, type LocalEngine } from "../../sandbox/engine/index.js";
import { createSlackSide } from "../../slack/app.js";

const SIGNING_KEY = "signkey-test-8ee2262a15e8d3c42d6a840db7af3de2aab08ef632b32a37a687f24b34dba3ff";
const EVENT_KEY = "sync-origin-event-key";

let engine: LocalEngine;
let server: Server;
let origin: string;
let config: Config;

/** A request with whatever Host header an attacker likes (fetch would not send a forged one). */
function put(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: portOf(server), path, method: "PUT", headers: { host } },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function registeredUrls(): Promise<string[]> {
  const res = await fetch(`${engine.url}/apps`);
  const { apps } = (await res.json()) as { apps: { id: string; url: string }[] };
  return apps.filter((a) => a.id === slackAppId(config)).map((a) => a.url);
}

const production = (port: number) => ({
  NODE_ENV: "production",
  INNGEST_DEV: "0",
  MONGODB_URI: "mongodb://db.invalid:27017",
  INNGEST_BASE_URL: engine.url,
  INNGEST_EVENT_KEY: EVENT_KEY,
  INNGEST_SIGNING_KEY: SIGNING_KEY,
  INNGEST_SERVE_ORIGIN: `http://127.0.0.1:${port}`,
});

beforeAll(async () => {
  engine = await startLocalEngine({
    memory: true,
    quiet: true,
    signingKey: SIGNING_KEY,
    eventKey: EVENT_KEY,
  });
  // The port first (the origin names it), then the app behind it.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  server = await listen((req, res) => handle(req, res), 0, "127.0.0.1");
  config = loadConfig(production(portOf(server)));
  origin = config.inngest.serveOrigin!;
  const inngest = createInngestClient(config, { appId: slackAppId(config) });
  const ping = inngest.createFunction({ id: "ping", triggers: [{ event: "test/ping" }] }, () => "pong");
  handle = createSlackSide({ config, inngest, functions: [ping] }).http;
});

afterAll(async () => {
  await closeServer(server, { abortOpen: true });
  await engine.stop();
});

describe("syncing in production", () => {
  it("refuses to start without INNGEST_SERVE_ORIGIN, naming it", () => {
    const { INNGEST_SERVE_ORIGIN: _origin, ...withoutOrigin } = production(3000);
    let error: unknown;
    try {
      loadConfig(withoutOrigin);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(["INNGEST_SERVE_ORIGIN"]);
  });

  it("registers the configured origin whatever Host the PUT names", async () => {
    const honest = await put("/api/inngest", `127.0.0.1:${portOf(server)}`);
    expect(honest.status).toBe(200);
    expect(await registeredUrls()).toEqual([`${origin}/api/inngest`]);

    const forged = await put("/api/inngest", "evil.example:8080");
    expect(forged.status).toBe(200);
    expect(await registeredUrls()).toEqual([`${origin}/api/inngest`]);
  });

  it("registers /api/inngest whatever path below it the PUT names", async () => {
    expect((await put("/api/inngest/elsewhere", "evil.example")).status).toBe(200);
    expect(await registeredUrls()).toEqual([`${origin}/api/inngest`]);
  });

  it("refuses a PUT whose query would become part of the registered URL", async () => {
    const injected = await put("/api/inngest?fnId=nothing-here", "evil.example");
    expect(injected.status).toBe(400);
    expect(JSON.parse(injected.body)).toEqual({ error: expect.stringMatching(/no query parameters/) });
    expect(await registeredUrls()).toEqual([`${origin}/api/inngest`]);
  });

  it("still runs the app's functions after the forged syncs (signed calls to the real URL)", async () => {
    const sent = await fetch(`${engine.url}/e/${EVENT_KEY}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "test/ping", data: {} }),
    });
    expect(sent.status).toBe(200);
    await expect
      .poll(
        async () => {
          const res = await fetch(`${engine.url}/runs?function=${slackAppId(config)}-ping`);
          return ((await res.json()) as { runs: { status: string; output?: unknown }[] }).runs;
        },
        { timeout: 10_000 },
      )
      .toEqual([expect.objectContaining({ status: "completed", output: "pong" })]);
  });
});
