// The fake Web API as the WebClient (form-encoded) and plain HTTP clients (JSON) see it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import type { SlackWorkspace } from "../../../sandbox/slack/index.js";
import { startTestMongo, type TestMongo } from "../../support/mongo.js";
import { startWorkspace } from "./harness.js";

let mongo: TestMongo;
let ws: SlackWorkspace;
let client: WebClient;

beforeAll(async () => {
  mongo = await startTestMongo();
  ({ ws } = await startWorkspace(mongo.client, mongo.dbName));
  client = new WebClient(ws.botToken, { slackApiUrl: ws.apiUrl, retryConfig: { retries: 0 } });
});

afterAll(async () => {
  await ws?.stop();
  await mongo?.stop();
});

async function raw(method: string, body: Record<string, unknown>, token: string | null = ws.botToken) {
  const res = await fetch(`${ws.apiUrl}${method}`, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const failure = (e: unknown) => (e as { data?: Record<string, unknown> }).data;

describe("fake Slack Web API", () => {
  it("answers auth.test for the bot, and Slack's errors for an unknown method, a bad token and no token", async () => {
    expect(await client.auth.test()).toMatchObject({
      ok: true,
      user_id: "U0SANDBOT",
      bot_id: "B0SANDBOT",
      team_id: "T0SANDBOX",
    });
    expect(await raw("chat.fly", { channel: "ops" })).toEqual({ ok: false, error: "unknown_method" });
    expect(await raw("chat.postMessage", { channel: "ops", text: "x" }, "xoxb-wrong")).toEqual({
      ok: false,
      error: "invalid_auth",
    });
    expect(await raw("chat.postMessage", { channel: "ops", text: "x" }, null)).toEqual({
      ok: false,
      error: "not_authed",
    });
    const bad = new WebClient("xoxb-wrong", { slackApiUrl: ws.apiUrl, retryConfig: { retries: 0 } });
    expect(failure(await bad.auth.test().catch((e: unknown) => e))).toMatchObject({
      ok: false,
      error: "invalid_auth",
    });
    expect(ws.calls("chat.fly")).toHaveLength(1);
  });

  it("posts by channel name or id, answers the id, and refuses an unknown channel", async () => {
    const byName = await client.chat.postMessage({ channel: "#sales", text: "daily digest" });
    expect(byName).toMatchObject({
      ok: true,
      channel: ws.channels.sales.id,
      message: { text: "daily digest", bot_id: "B0SANDBOT" },
    });
    const byJson = await raw("chat.postMessage", {
      channel: ws.channels.sales.id,
      text: "json body",
      blocks: [{ type: "divider" }],
    });
    expect(byJson).toMatchObject({ ok: true, channel: ws.channels.sales.id });
    expect(
      failure(await client.chat.postMessage({ channel: "nowhere", text: "x" }).catch((e: unknown) => e)),
    ).toMatchObject({
      error: "channel_not_found",
    });
    expect(await raw("chat.postMessage", { channel: "sales" })).toMatchObject({
      ok: false,
      error: "no_text",
    });
    const messages = await ws.messages(ws.channels.sales.id);
    expect(messages.map((m) => m.text)).toEqual(["daily digest", "json body"]);
    expect(messages[1]).toMatchObject({
      channel: ws.channels.sales.id,
      ts: byJson["ts"],
      blocks: [{ type: "divider" }],
      user: "U0SANDBOT",
    });
  });

  it("chat.update keeps what it is not given, replaces what it is, and refuses a message that does not exist", async () => {
    const posted = await client.chat.postMessage({
      channel: "ops",
      text: "alert",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "*alert*" } }],
    });
    await client.chat.update({ channel: "ops", ts: posted.ts!, text: "alert (retried)" });
    let [m] = (await ws.messages("ops")).filter((x) => x.ts === posted.ts);
    expect(m).toMatchObject({ text: "alert (retried)", blocks: [{ type: "section" }] });
    await client.chat.update({ channel: "ops", ts: posted.ts!, text: "resolved", blocks: [] });
    [m] = (await ws.messages("ops")).filter((x) => x.ts === posted.ts);
    expect(m).toMatchObject({ text: "resolved", blocks: [] });
    expect(
      failure(
        await client.chat.update({ channel: "ops", ts: "1.000001", text: "x" }).catch((e: unknown) => e),
      ),
    ).toMatchObject({
      error: "message_not_found",
    });
  });

  it("threads replies under their parent, lists them with conversations.replies and links them", async () => {
    const parent = await client.chat.postMessage({ channel: "handoff", text: "Ana wants a human" });
    const reply = await client.chat.postMessage({ channel: "handoff", text: "first", thread_ts: parent.ts! });
    await client.chat.postMessage({ channel: "handoff", text: "second", thread_ts: reply.ts! });
    const thread = await client.conversations.replies({ channel: ws.channels.handoff.id, ts: parent.ts! });
    expect(thread.messages?.map((m) => [m.text, m.thread_ts])).toEqual([
      ["Ana wants a human", parent.ts],
      ["first", parent.ts],
      ["second", parent.ts],
    ]);
    expect(thread.messages?.[0]).toMatchObject({ reply_count: 2 });
    expect(
      failure(
        await client.chat
          .postMessage({ channel: "handoff", text: "x", thread_ts: "2.000002" })
          .catch((e: unknown) => e),
      ),
    ).toMatchObject({
      error: "thread_not_found",
    });
    const link = await client.chat.getPermalink({ channel: ws.channels.handoff.id, message_ts: parent.ts! });
    expect(link.permalink).toBe(
      `https://sandbox-workspace.slack.com/archives/${ws.channels.handoff.id}/p${parent.ts!.replace(".", "")}`,
    );
    const history = await client.conversations.history({ channel: ws.channels.handoff.id });
    expect(history.messages?.map((m) => m.text)).toEqual(["Ana wants a human"]);
  });

  it("knows its people and channels", async () => {
    const info = await client.users.info({ user: ws.users.admin.id });
    expect(info.user).toMatchObject({
      id: ws.users.admin.id,
      name: ws.users.admin.name,
      is_admin: true,
      is_bot: false,
    });
    expect(failure(await client.users.info({ user: "U0NOBODY" }).catch((e: unknown) => e))).toMatchObject({
      error: "user_not_found",
    });
    const list = await client.conversations.list();
    expect(list.channels?.map((c) => c.name)).toEqual(
      expect.arrayContaining(["approvals", "handoff", "ops", "sales"]),
    );
    const channel = await client.conversations.info({ channel: ws.channels.approvals.id });
    expect(channel.channel).toMatchObject({
      id: ws.channels.approvals.id,
      name: "approvals",
      is_member: true,
    });
    expect(
      failure(await client.conversations.info({ channel: "C0NOPE" }).catch((e: unknown) => e)),
    ).toMatchObject({
      error: "channel_not_found",
    });
    const dm = await client.conversations.open({ users: ws.users.member.id });
    const inDm = await client.chat.postMessage({ channel: dm.channel!.id!, text: "hello" });
    expect(inDm.channel).toBe(dm.channel!.id);
  });

  it("keeps ephemeral messages per person", async () => {
    await client.chat.postEphemeral({ channel: "approvals", user: ws.users.member.id, text: "only for you" });
    expect((await ws.ephemeral(ws.users.member.id)).map((e) => e.text)).toEqual(["only for you"]);
    expect(await ws.ephemeral(ws.users.approver.id)).toEqual([]);
    expect((await ws.messages("approvals")).map((m) => m.text)).not.toContain("only for you");
    expect(
      failure(
        await client.chat
          .postEphemeral({ channel: "approvals", user: "U0NOBODY", text: "x" })
          .catch((e: unknown) => e),
      ),
    ).toMatchObject({
      error: "user_not_found",
    });
  });

  it("publishes App Home views and refuses views.open without a trigger it handed out", async () => {
    const published = await client.views.publish({
      user_id: ws.users.approver.id,
      view: {
        type: "home",
        blocks: [{ type: "section", text: { type: "mrkdwn", text: "2 orders pending" } }],
      },
    });
    expect(published.view).toMatchObject({ type: "home" });
    expect((await ws.home(ws.users.approver.id))?.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: "2 orders pending" } },
    ]);
    const modal = {
      type: "modal" as const,
      title: { type: "plain_text" as const, text: "A title that is far too long" },
      blocks: [],
    };
    expect(
      failure(await client.views.open({ trigger_id: "12.34.ab", view: modal }).catch((e: unknown) => e)),
    ).toMatchObject({
      error: "invalid_trigger_id",
    });
  });
});
