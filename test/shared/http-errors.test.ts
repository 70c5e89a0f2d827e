// What a client gets when its request is wrong, on every server of ours: `{"error"}` JSON with the
// status that says what was wrong (400 malformed, 404 unknown, 413 too large, 415 wrong media type or
// encoding), never an HTML page or a stack trace. Checked on the web (Slack side) app and on the
// sandbox page server's phones API, over real HTTP.
import { request } from "node:http";
import type { Server } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../shared/config/index.js";
import { closeServer, listen, portOf, serveJsonErrors } from "../../shared/http/index.js";
import { createInngestClient, slackAppId } from "../../shared/inngest.js";
import { createPhonesRouter, SandboxPhones } from "../../sandbox/phones/index.js";
import { createSlackSide } from "../../slack/app.js";

let web: Server;
let page: Server;

beforeAll(async () => {
  const config = loadConfig({ LOG_LEVEL: "silent" });
  const inngest = createInngestClient(config, { appId: slackAppId(config) });
  const ping = inngest.createFunction({ id: "ping", triggers: [{ event: "test/ping" }] }, () => "pong");
  web = await listen(createSlackSide({ config, inngest, functions: [ping] }).http, 0, "127.0.0.1");
  // The sandbox page server as sandbox/main.ts builds it, with the real simulated phones.
  const app = express();
  app.use(createPhonesRouter(new SandboxPhones({ accountId: "default" })));
  serveJsonErrors(app);
  page = await listen(app, 0, "127.0.0.1");
});

afterAll(async () => {
  await closeServer(web, { abortOpen: true });
  await closeServer(page, { abortOpen: true });
});

interface Answer {
  status: number;
  type: string;
  body: string;
}

/** A raw request: the path goes out as written (no normalising of `..`), headers as given. */
function send(
  server: Server,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: portOf(server), method, path, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body: text }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

const json = { "content-type": "application/json" };

/** The answer is JSON `{"error": "<text>"}` and carries no trace of our files or the stack. */
function expectJsonError(answer: Answer, status: number, message: RegExp): void {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.type).toMatch(/^application\/json/);
  const parsed = JSON.parse(answer.body) as { error?: unknown };
  expect(Object.keys(parsed)).toEqual(["error"]);
  expect(parsed.error).toMatch(message);
  expect(answer.body).not.toMatch(/node_modules|\/work\/|\bat \w|<html|<pre/i);
}

describe("the web (Slack side) app", () => {
  it("answers 400 for a malformed JSON body on /api/inngest", async () => {
    const answer = await send(
      web,
      "POST",
      "/api/inngest?fnId=salesbot-slack-ping",
      json,
      '{"phone": "+52155',
    );
    expectJsonError(answer, 400, /not valid JSON/);
  });

  it("answers 413 for a body over the limit", async () => {
    const big = JSON.stringify({ pad: "x".repeat(11 * 1024 * 1024) });
    const answer = await send(web, "POST", "/api/inngest?fnId=salesbot-slack-ping", json, big);
    expectJsonError(answer, 413, /too large/);
  });

  it("answers 415 for a body that is not JSON", async () => {
    const answer = await send(
      web,
      "POST",
      "/api/inngest?fnId=salesbot-slack-ping",
      { "content-type": "text/plain" },
      "hello",
    );
    expectJsonError(answer, 415, /media type/);
  });

  it("answers 415 for a content encoding it cannot read", async () => {
    const answer = await send(
      web,
      "POST",
      "/api/inngest?fnId=salesbot-slack-ping",
      { ...json, "content-encoding": "zstd-unknown" },
      "{}",
    );
    expectJsonError(answer, 415, /content encoding/);
  });

  it("answers 400, not the SDK's 500, for a call without fnId", async () => {
    const answer = await send(web, "POST", "/api/inngest", json, "{}");
    expectJsonError(answer, 400, /fnId/);
  });

  it("answers 404 JSON for an unknown path", async () => {
    expectJsonError(await send(web, "GET", "/nope"), 404, /not found/);
    expectJsonError(await send(web, "GET", "/../../etc/passwd"), 404, /not found/);
  });
});

describe("the sandbox page server (phones API)", () => {
  it("answers 400 JSON for a bad %-escape in a path", async () => {
    expectJsonError(await send(page, "GET", "/sandbox/whatsapp/chats/%ZZ"), 400, /%-escape/);
  });

  it("answers 404 JSON for ../../etc/passwd and unknown paths", async () => {
    expectJsonError(await send(page, "GET", "/../../etc/passwd"), 404, /not found/);
    expectJsonError(await send(page, "GET", "/sandbox/whatsapp/../../../etc/passwd"), 404, /not found/);
    expectJsonError(await send(page, "POST", "/sandbox/nothing", json, "{}"), 404, /not found/);
  });

  it("answers 400, 413 and 415 for a message body that is malformed, too large or not JSON", async () => {
    const path = "/sandbox/whatsapp/messages";
    expectJsonError(await send(page, "POST", path, json, '{"from": "+5215550001", '), 400, /not valid JSON/);
    const big = JSON.stringify({ from: "+5215550001", text: "x".repeat(2 * 1024 * 1024) });
    expectJsonError(await send(page, "POST", path, json, big), 413, /too large/);
    const form = { "content-type": "application/x-www-form-urlencoded" };
    expectJsonError(await send(page, "POST", path, form, "from=%2B5215550001&text=hola"), 415, /media type/);
    const gzip = { ...json, "content-encoding": "compress" };
    expectJsonError(await send(page, "POST", path, gzip, "{}"), 415, /content encoding/);
  });
});
