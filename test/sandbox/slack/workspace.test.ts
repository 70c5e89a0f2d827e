import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { SlackWorkspace } from "../../../sandbox/slack/index.js";
import { startTestMongo, type TestMongo } from "../../support/mongo.js";
import { startBolt, startWorkspace, type BoltHarness } from "./harness.js";

let mongo: TestMongo;
let ws: SlackWorkspace;
let bolt: BoltHarness;
const seen = {
  events: [] as Array<Record<string, unknown>>,
  eventIds: [] as string[],
  staleBlocks: [] as string[],
  retries: [] as Array<number | undefined>,
};

function card(orderId: string) {
  return [
    { type: "section", text: { type: "mrkdwn", text: `*Order ${orderId}* waiting for approval` } },
    {
      type: "actions",
      block_id: "order_decision",
      elements: [
        {
          type: "button",
          action_id: "order_approve",
          text: { type: "plain_text", text: "Approve" },
          style: "primary",
          value: orderId,
        },
        {
          type: "button",
          action_id: "order_reject",
          text: { type: "plain_text", text: "Reject" },
          style: "danger",
          value: orderId,
        },
      ],
    },
  ];
}

function register(app: App): void {
  app.action<BlockAction<ButtonAction>>("order_approve", async ({ ack, body, action, client }) => {
    await ack();
    seen.staleBlocks.push(JSON.stringify(body.message?.["blocks"]));
    if (!ws.approverUserIds.includes(body.user.id) && !ws.adminUserIds.includes(body.user.id)) {
      await client.chat.postEphemeral({
        channel: body.channel!.id,
        user: body.user.id,
        text: "You are not authorized to decide orders.",
      });
      return;
    }
    await client.chat.update({
      channel: body.channel!.id,
      ts: body.message!.ts,
      text: `Order ${action.value} approved by <@${body.user.id}>`,
      blocks: [
        {
          type: "section",
          text: { type: "mrkdwn", text: `:white_check_mark: Approved by <@${body.user.id}>` },
        },
      ],
    });
  });
  app.action<BlockAction<ButtonAction>>("order_reject", async ({ ack, body, action, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: "modal",
        callback_id: "order_reject_modal",
        private_metadata: JSON.stringify({
          orderId: action.value,
          channel: body.channel!.id,
          ts: body.message!.ts,
        }),
        title: { type: "plain_text", text: "Reject order" },
        submit: { type: "plain_text", text: "Reject" },
        blocks: [
          {
            type: "input",
            block_id: "reason",
            label: { type: "plain_text", text: "Reason" },
            element: { type: "plain_text_input", action_id: "value", multiline: true },
          },
        ],
      },
    });
  });
  app.view("order_reject_modal", async ({ ack, view, body, client }) => {
    const reason = view.state.values["reason"]?.["value"]?.value ?? "";
    if (reason.trim().length < 3) {
      await ack({ response_action: "errors", errors: { reason: "Please give a reason" } });
      return;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata) as { channel: string; ts: string };
    await client.chat.update({
      channel: meta.channel,
      ts: meta.ts,
      text: `Rejected by <@${body.user.id}>: ${reason}`,
      blocks: [],
    });
    await client.chat.postEphemeral({
      channel: meta.channel,
      user: body.user.id,
      text: "Rejection recorded.",
    });
  });
  app.action("mark_done", async ({ ack, respond }) => {
    await ack();
    await respond({ replace_original: true, text: "Done" });
  });
  app.action("dismiss", async ({ ack, respond }) => {
    await ack();
    await respond({ delete_original: true });
  });
  app.action("long_title", async ({ ack, body, client }) => {
    await ack();
    const b = body as BlockAction;
    const error = await client.views
      .open({
        trigger_id: b.trigger_id,
        view: {
          type: "modal",
          title: { type: "plain_text", text: "A title longer than Slack allows" },
          blocks: [],
        },
      })
      .then(() => "opened")
      .catch((e: { data?: { error?: string } }) => e.data?.error ?? "failed");
    await respond(b, error);
  });
  app.command("/wizard", async ({ ack, body, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: "modal",
        callback_id: "wizard",
        title: { type: "plain_text", text: "Step 1" },
        submit: { type: "plain_text", text: "Next" },
        blocks: [],
      },
    });
  });
  app.view("wizard", async ({ ack, view }) => {
    const title = view.title.text;
    if (title === "Step 1") {
      await ack({
        response_action: "update",
        view: {
          type: "modal",
          callback_id: "wizard",
          title: { type: "plain_text", text: "Step 2" },
          submit: { type: "plain_text", text: "Next" },
          blocks: [],
        },
      });
    } else if (title === "Step 2") {
      await ack({
        response_action: "push",
        view: {
          type: "modal",
          callback_id: "wizard",
          title: { type: "plain_text", text: "Step 3" },
          submit: { type: "plain_text", text: "Done" },
          blocks: [],
        },
      });
    } else {
      await ack({ response_action: "clear" });
    }
  });
  app.command("/echo", async ({ ack, command }) => {
    await ack({ response_type: "ephemeral", text: `echo: ${command.text}` });
  });
  app.command("/later", async ({ ack, respond, command }) => {
    await ack();
    await new Promise((r) => setTimeout(r, 100));
    await respond({ response_type: "ephemeral", text: `done for <@${command.user_id}>` });
    await respond({ response_type: "in_channel", text: "announced" });
  });
  app.command("/whisper", async ({ ack, client, command }) => {
    await ack();
    await client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text: "psst" });
  });
  app.event("app_home_opened", async ({ event, client }) => {
    await client.views.publish({
      user_id: event.user,
      view: {
        type: "home",
        blocks: [{ type: "section", text: { type: "mrkdwn", text: `Hi <@${event.user}>` } }],
      },
    });
  });
  app.message(async ({ message, body, client, context }) => {
    seen.retries.push(context.retryNum);
    seen.events.push(message as unknown as Record<string, unknown>);
    seen.eventIds.push(body.event_id);
    const m = message as { channel: string; ts: string; thread_ts?: string; text?: string };
    await client.chat.postMessage({
      channel: m.channel,
      thread_ts: m.thread_ts ?? m.ts,
      text: `heard: ${m.text ?? ""}`,
    });
  });
}

async function respond(body: BlockAction, text: string): Promise<void> {
  await fetch(body.response_url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
}

beforeAll(async () => {
  mongo = await startTestMongo();
  ({ ws } = await startWorkspace(mongo.client, mongo.dbName));
  bolt = await startBolt(ws, register);
});

afterAll(async () => {
  await bolt?.stop();
  await ws?.stop();
  await mongo?.stop();
});

async function postCard(orderId: string): Promise<string> {
  const res = await bolt.app.client.chat.postMessage({
    channel: "approvals",
    text: `Order ${orderId}`,
    blocks: card(orderId),
  });
  expect(res.ok).toBe(true);
  expect(res.channel).toBe(ws.channels.approvals.id);
  return res.ts!;
}

describe("simulated Slack workspace with a real Bolt app", () => {
  it("a click is delivered signed, reaches the action listener, and chat.update changes the stored message", async () => {
    const ts = await postCard("o-1");
    const result = await ws.click({
      channel: ws.channels.approvals.id,
      ts,
      actionId: "order_approve",
      userId: ws.users.approver.id,
    });
    expect(result).toEqual({ status: 200, ephemeral: [] });
    const [message] = (await ws.messages("approvals")).filter((m) => m.ts === ts);
    expect(message?.text).toBe(`Order o-1 approved by <@${ws.users.approver.id}>`);
    expect(JSON.stringify(message?.blocks)).not.toContain("order_approve");
    expect(ws.calls("chat.update").at(-1)?.args).toMatchObject({ channel: ws.channels.approvals.id, ts });

    // Someone whose screen still shows the buttons clicks too: the app gets the message as they saw it.
    const updates = ws.calls("chat.update").length;
    const stale = await ws.click({
      channel: "approvals",
      ts,
      actionId: "order_approve",
      userId: ws.users.admin.id,
    });
    expect(stale.status).toBe(200);
    expect(seen.staleBlocks.at(-1)).toContain("order_approve");
    expect(ws.calls("chat.update").length).toBe(updates + 1);
    const never = ws.click({ channel: "approvals", ts, actionId: "order_cancel", userId: ws.users.admin.id });
    await expect(never).rejects.toMatchObject({ status: 404 });
  });

  it("what the app shows only to the clicking person comes back as ephemeral", async () => {
    const ts = await postCard("o-2");
    const result = await ws.click({
      channel: "approvals",
      ts,
      actionId: "order_approve",
      value: "o-2",
      userId: ws.users.member.id,
    });
    expect(result).toEqual({ status: 200, ephemeral: ["You are not authorized to decide orders."] });
    expect((await ws.messages("approvals")).find((m) => m.ts === ts)?.text).toBe("Order o-2");
    expect((await ws.ephemeral(ws.users.member.id)).map((e) => e.text)).toContain(
      "You are not authorized to decide orders.",
    );
  });

  it("a modal opened with the click's trigger_id is listed; errors come back, a good submission closes it", async () => {
    const ts = await postCard("o-3");
    const clicked = await ws.click({
      channel: "approvals",
      ts,
      actionId: "order_reject",
      userId: ws.users.admin.id,
    });
    expect(clicked.status).toBe(200);
    const views = await ws.views();
    const view = views.find((v) => v.userId === ws.users.admin.id && v.callbackId === "order_reject_modal");
    expect(view).toMatchObject({
      title: "Reject order",
      blocks: [expect.objectContaining({ block_id: "reason" })],
    });

    const bad = await ws.submitView({
      viewId: view!.id,
      values: { reason: { value: "no" } },
      userId: ws.users.admin.id,
    });
    expect(bad).toMatchObject({ status: 200, errors: { reason: "Please give a reason" } });
    expect((await ws.views()).map((v) => v.id)).toContain(view!.id);

    const good = await ws.submitView({
      viewId: view!.id,
      values: { reason: { value: "out of stock" } },
      userId: ws.users.admin.id,
    });
    expect(good).toEqual({ status: 200, ephemeral: ["Rejection recorded."] });
    expect((await ws.views()).map((v) => v.id)).not.toContain(view!.id);
    expect((await ws.messages("approvals")).find((m) => m.ts === ts)).toMatchObject({
      text: `Rejected by <@${ws.users.admin.id}>: out of stock`,
      blocks: [],
    });
  });

  it("a trigger_id opens one view only", async () => {
    const ts = await postCard("o-4");
    await ws.click({ channel: "approvals", ts, actionId: "order_reject", userId: ws.users.approver.id });
    const trigger = ws.calls("views.open").at(-1)?.args["trigger_id"] as string;
    const again = await bolt.app.client.views
      .open({
        trigger_id: trigger,
        view: { type: "modal", title: { type: "plain_text", text: "x" }, blocks: [] },
      })
      .catch((e: { data?: { error?: string } }) => e.data);
    expect(again).toMatchObject({ ok: false, error: "exchanged_trigger_id" });
  });

  it("a slash command's answer is returned whether it comes in the ack, through response_url or as an ephemeral", async () => {
    expect(await ws.command({ command: "/echo", text: "hello there", userId: ws.users.admin.id })).toEqual({
      status: 200,
      response: "echo: hello there",
    });
    expect(await ws.command({ command: "/later", text: "", userId: ws.users.member.id })).toEqual({
      status: 200,
      response: `done for <@${ws.users.member.id}>\nannounced`,
    });
    expect(
      await ws.command({ command: "/whisper", text: "", userId: ws.users.approver.id, channel: "ops" }),
    ).toEqual({
      status: 200,
      response: "psst",
    });
    const slash = ws.calls("response_url").at(-1)?.args;
    expect(slash).toMatchObject({ response_type: "in_channel", text: "announced" });
  });

  it("a person's message reaches the app as an Events API message event, with a unique event id", async () => {
    const ts = await postCard("o-5");
    const before = seen.events.length;
    const first = await ws.postMessage({
      channel: "approvals",
      text: "on it",
      userId: ws.users.approver.id,
      thread_ts: ts,
    });
    const second = await ws.postMessage({
      channel: "approvals",
      text: "done",
      userId: ws.users.approver.id,
      thread_ts: first.ts,
    });
    expect(first.status).toBe(200);
    const events = seen.events.slice(before);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      type: "message",
      user: ws.users.approver.id,
      text: "on it",
      thread_ts: ts,
      ts: first.ts,
    });
    expect(events[1]).toMatchObject({ text: "done", thread_ts: ts, ts: second.ts });
    const ids = seen.eventIds.slice(before);
    expect(ids[0]).toMatch(/^Ev[A-Z0-9]+$/);
    expect(new Set(ids).size).toBe(2);
    const thread = (await ws.messages("approvals")).filter((m) => m.thread_ts === ts);
    expect(thread.map((m) => m.text)).toEqual(["on it", "heard: on it", "done", "heard: done"]);
    const replies = await bolt.app.client.conversations.replies({ channel: ws.channels.approvals.id, ts });
    expect(replies.messages?.map((m) => m.text)).toEqual([
      "Order o-5",
      "on it",
      "heard: on it",
      "done",
      "heard: done",
    ]);
  });

  it("response_url replies replace or delete the clicked message", async () => {
    const buttons = (ids: string[]) => [
      {
        type: "actions",
        elements: ids.map((id) => ({
          type: "button",
          action_id: id,
          text: { type: "plain_text", text: id },
        })),
      },
    ];
    const a = await bolt.app.client.chat.postMessage({
      channel: "ops",
      text: "alert",
      blocks: buttons(["mark_done"]),
    });
    const b = await bolt.app.client.chat.postMessage({
      channel: "ops",
      text: "noise",
      blocks: buttons(["dismiss"]),
    });
    expect(
      await ws.click({ channel: "ops", ts: a.ts!, actionId: "mark_done", userId: ws.users.admin.id }),
    ).toEqual({
      status: 200,
      ephemeral: [],
    });
    await ws.click({ channel: "ops", ts: b.ts!, actionId: "dismiss", userId: ws.users.admin.id });
    const ops = await ws.messages("ops");
    expect(ops.find((m) => m.ts === a.ts)).toMatchObject({ text: "Done", blocks: [] });
    expect(ops.find((m) => m.ts === b.ts)).toBeUndefined();
  });

  it("refuses a modal whose title is longer than Slack allows, as Slack does", async () => {
    const posted = await bolt.app.client.chat.postMessage({
      channel: "ops",
      text: "x",
      blocks: [
        {
          type: "actions",
          elements: [{ type: "button", action_id: "long_title", text: { type: "plain_text", text: "Go" } }],
        },
      ],
    });
    const result = await ws.click({
      channel: "ops",
      ts: posted.ts!,
      actionId: "long_title",
      userId: ws.users.member.id,
    });
    expect(result).toEqual({ status: 200, ephemeral: ["invalid_arguments"] });
  });

  it("requests signed with another secret are refused by Bolt", async () => {
    const other = await startWorkspace(mongo.client, `${mongo.dbName}_other`, {
      signingSecret: "not-the-apps-secret",
    });
    try {
      other.ws.setBoltUrl(bolt.url);
      const before = seen.events.length;
      const sent = await other.ws.postMessage({
        channel: "ops",
        text: "forged",
        userId: other.ws.users.admin.id,
      });
      expect(sent.status).toBe(401);
      const command = await other.ws.command({
        command: "/echo",
        text: "forged",
        userId: other.ws.users.admin.id,
      });
      expect(command).toEqual({ status: 401, response: "" });
      expect(seen.events.length).toBe(before);
    } finally {
      await other.ws.stop();
    }
  });

  it("opening the Home tab reaches the app, whose views.publish shows there", async () => {
    expect(await ws.openHome(ws.users.member.id)).toEqual({ status: 200 });
    expect((await ws.home(ws.users.member.id))?.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: `Hi <@${ws.users.member.id}>` } },
    ]);
  });

  it("redelivers the last request as a Slack retry, with X-Slack-Retry-Num", async () => {
    const before = seen.retries.length;
    await ws.postMessage({ channel: "sales", text: "ping", userId: ws.users.member.id });
    expect(await ws.redeliverLast()).toEqual({ status: 200 });
    expect(await ws.redeliverLast()).toEqual({ status: 200 });
    expect(seen.retries.slice(before)).toEqual([undefined, 1, 2]);
  });

  it("honours response_action update, push and clear on a modal submission", async () => {
    const me = ws.users.approver.id;
    const mine = async () => (await ws.views()).filter((v) => v.userId === me && v.callbackId === "wizard");
    await ws.command({ command: "/wizard", text: "", userId: me });
    const [first] = await mine();
    expect(first?.title).toBe("Step 1");
    await ws.submitView({ viewId: first!.id, values: {}, userId: me });
    expect((await mine()).map((v) => [v.id, v.title])).toEqual([[first!.id, "Step 2"]]);
    await ws.submitView({ viewId: first!.id, values: {}, userId: me });
    const stack = await mine();
    expect(stack.map((v) => v.title)).toEqual(["Step 2", "Step 3"]);
    await ws.submitView({ viewId: stack[1]!.id, values: {}, userId: me });
    expect(await mine()).toEqual([]);
  });
});
