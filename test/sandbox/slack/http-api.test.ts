// The exact /sandbox/slack/* HTTP API, mounted on an Express app as the sandbox page mounts it, with a
// real Bolt app behind the workspace.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@slack/bolt";
import type { SlackWorkspace } from "../../../sandbox/slack/index.js";
import { startTestMongo, type TestMongo } from "../../support/mongo.js";
import { startBolt, startWorkspace, type BoltHarness } from "./harness.js";

let mongo: TestMongo;
let ws: SlackWorkspace;
let bolt: BoltHarness;
let page: Server;
let base: string;

function register(app: App): void {
  app.action("ack_me", async ({ ack, respond }) => {
    await ack();
    await respond({ response_type: "ephemeral", text: "noted" });
  });
  app.action("open_form", async ({ ack, body, client }) => {
    await ack();
    await client.views.open({
      trigger_id: (body as { trigger_id: string }).trigger_id,
      view: {
        type: "modal",
        callback_id: "form",
        title: { type: "plain_text", text: "Form" },
        submit: { type: "plain_text", text: "Send" },
        blocks: [
          {
            type: "input",
            block_id: "why",
            label: { type: "plain_text", text: "Why" },
            element: { type: "plain_text_input", action_id: "text" },
          },
        ],
      },
    });
  });
  app.view("form", async ({ ack, view }) => {
    const text = view.state.values["why"]?.["text"]?.value ?? "";
    if (!text) {
      await ack({ response_action: "errors", errors: { why: "Say why" } });
      return;
    }
    await ack();
  });
  app.command("/automation", async ({ ack, respond, command }) => {
    await ack();
    await respond(`<@${command.user_id}> ran ${command.command} ${command.text}`);
  });
}

beforeAll(async () => {
  mongo = await startTestMongo();
  ({ ws } = await startWorkspace(mongo.client, mongo.dbName));
  bolt = await startBolt(ws, register);
  const app = express();
  app.use(ws.router());
  page = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  base = `http://127.0.0.1:${(page.address() as AddressInfo).port}/sandbox/slack`;
});

afterAll(async () => {
  page?.closeAllConnections();
  await new Promise((r) => page?.close(r));
  await bolt?.stop();
  await ws?.stop();
  await mongo?.stop();
});

async function get(path: string) {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function post(path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function postCard(actionId: string): Promise<string> {
  const res = await bolt.app.client.chat.postMessage({
    channel: "approvals",
    text: "card",
    blocks: [
      {
        type: "actions",
        elements: [
          { type: "button", action_id: actionId, value: "v1", text: { type: "plain_text", text: "Go" } },
        ],
      },
    ],
  });
  return res.ts!;
}

describe("/sandbox/slack HTTP API", () => {
  it("lists the people with their roles and the channels", async () => {
    expect(await get("/users")).toEqual({
      status: 200,
      body: {
        users: [
          { id: "U0SANDADMIN", name: "ada.admin", roles: ["admin", "approver"] },
          { id: "U0SANDAPPROVER", name: "april.approver", roles: ["approver"] },
          { id: "U0SANDMEMBER", name: "max.member", roles: [] },
        ],
      },
    });
    const channels = await get("/channels");
    expect(channels.body["channels"]).toEqual(
      expect.arrayContaining([
        { id: "C0APPROVALS", name: "approvals" },
        { id: "C0OPS", name: "ops" },
      ]),
    );
  });

  it("a person posts in a channel and a thread; messages lists them oldest first with their thread", async () => {
    const top = await post("/messages", { channel: "C0SALES", text: "hello team", userId: "U0SANDMEMBER" });
    expect(top.status).toBe(200);
    expect(Object.keys(top.body)).toEqual(["ts"]);
    const reply = await post("/messages", {
      channel: "sales",
      text: "hi!",
      userId: "U0SANDADMIN",
      thread_ts: top.body["ts"],
    });
    const listed = await get("/messages?channel=C0SALES");
    expect(listed).toEqual({
      status: 200,
      body: {
        messages: [
          {
            channel: "C0SALES",
            ts: top.body["ts"],
            text: "hello team",
            blocks: [expect.objectContaining({ type: "rich_text" })],
            user: "U0SANDMEMBER",
          },
          {
            channel: "C0SALES",
            ts: reply.body["ts"],
            text: "hi!",
            blocks: [expect.objectContaining({ type: "rich_text" })],
            thread_ts: top.body["ts"],
            user: "U0SANDADMIN",
          },
        ],
      },
    });
    expect((await post("/messages", { channel: "sales", text: "", userId: "U0SANDADMIN" })).status).toBe(400);
    expect(
      (await post("/messages", { channel: "sales", text: "x", userId: "U0SANDADMIN", thread_ts: "1.000001" }))
        .status,
    ).toBe(404);
    expect((await post("/messages", { channel: "nowhere", text: "x", userId: "U0SANDADMIN" })).status).toBe(
      404,
    );
    expect((await post("/messages", { channel: "sales", text: "x", userId: "U0NOBODY" })).status).toBe(400);
    expect((await get("/messages")).status).toBe(400);
    expect(await get("/messages?channel=nowhere")).toEqual({
      status: 404,
      body: { error: 'no channel "nowhere" in the sandbox workspace' },
    });
  });

  it("clicks a button as a person and answers Bolt's status and what only they saw", async () => {
    const ts = await postCard("ack_me");
    expect(
      await post("/actions", {
        channel: "C0APPROVALS",
        ts,
        actionId: "ack_me",
        value: "v1",
        userId: "U0SANDMEMBER",
      }),
    ).toEqual({
      status: 200,
      body: { status: 200, ephemeral: ["noted"] },
    });
    const unknownButton = await post("/actions", {
      channel: "C0APPROVALS",
      ts,
      actionId: "nope",
      userId: "U0SANDMEMBER",
    });
    expect(unknownButton.status).toBe(404);
    expect(unknownButton.body["error"]).toMatch(/nope/);
    expect(
      (
        await post("/actions", {
          channel: "C0APPROVALS",
          ts,
          actionId: "ack_me",
          value: "v2",
          userId: "U0SANDMEMBER",
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await post("/actions", {
          channel: "C0APPROVALS",
          ts: "1.000001",
          actionId: "ack_me",
          userId: "U0SANDMEMBER",
        })
      ).status,
    ).toBe(404);
    const noUser = await post("/actions", { channel: "C0APPROVALS", ts, actionId: "ack_me" });
    expect(noUser).toEqual({ status: 400, body: { error: "userId must be a string" } });
    expect(
      (
        await post("/actions", {
          channel: "C0APPROVALS",
          ts: "yesterday",
          actionId: "ack_me",
          userId: "U0SANDMEMBER",
        })
      ).status,
    ).toBe(400);
    expect(await post("/actions", "{not json")).toEqual({
      status: 400,
      body: { error: "body is not valid JSON" },
    });
    expect((await post("/actions", [1, 2])).status).toBe(400);
  });

  it("lists open modals and submits them: errors come back, a good submission closes the modal", async () => {
    const ts = await postCard("open_form");
    await post("/actions", { channel: "approvals", ts, actionId: "open_form", userId: "U0SANDAPPROVER" });
    const { body } = await get("/views");
    const views = body["views"] as Array<Record<string, unknown>>;
    const view = views.find((v) => v["callbackId"] === "form");
    expect(view).toEqual({
      id: expect.stringMatching(/^V[A-Z0-9]+$/),
      userId: "U0SANDAPPROVER",
      callbackId: "form",
      title: "Form",
      blocks: [expect.objectContaining({ block_id: "why" })],
    });
    const viewId = view!["id"];
    expect(
      await post("/views/submit", { viewId, values: { why: { text: "" } }, userId: "U0SANDAPPROVER" }),
    ).toEqual({
      status: 200,
      body: { status: 200, errors: { why: "Say why" } },
    });
    expect(
      (await post("/views/submit", { viewId, values: { other: { text: "x" } }, userId: "U0SANDAPPROVER" }))
        .status,
    ).toBe(400);
    expect(
      (await post("/views/submit", { viewId, values: { why: { text: "x" } }, userId: "U0SANDADMIN" })).status,
    ).toBe(404);
    expect(
      (await post("/views/submit", { viewId, values: { why: { text: 5 } }, userId: "U0SANDAPPROVER" }))
        .status,
    ).toBe(400);
    expect(
      await post("/views/submit", { viewId, values: { why: { text: "because" } }, userId: "U0SANDAPPROVER" }),
    ).toEqual({
      status: 200,
      body: { status: 200 },
    });
    const after = (await get("/views")).body["views"] as Array<Record<string, unknown>>;
    expect(after.map((v) => v["id"])).not.toContain(viewId);
    expect((await post("/views/submit", { viewId, values: {}, userId: "U0SANDAPPROVER" })).status).toBe(404);
  });

  it("runs a slash command and answers the reply the person sees", async () => {
    expect(
      await post("/commands", { command: "/automation", text: "disable welcome", userId: "U0SANDADMIN" }),
    ).toEqual({
      status: 200,
      body: { status: 200, response: "<@U0SANDADMIN> ran /automation disable welcome" },
    });
    expect(await post("/commands", { command: "automation", text: "x", userId: "U0SANDADMIN" })).toEqual({
      status: 400,
      body: { error: 'command must be a slash command like "/automation"' },
    });
    expect(
      (await post("/commands", { command: "/automation", text: 42, userId: "U0SANDADMIN" })).status,
    ).toBe(400);
  });
});
