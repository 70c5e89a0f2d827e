// A restart of the sandbox (the embedded MongoDB on the same data directory, a new workspace and a new
// Bolt app) keeps the Slack history: channels, messages in their latest version, thread replies and
// open modals; buttons on old messages still work.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { startEmbeddedMongo } from "../../../sandbox/mongo/index.js";
import { startSlackWorkspace } from "../../../sandbox/slack/index.js";
import { startBolt } from "./harness.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "slack-sim-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function boot() {
  const mongo = await startEmbeddedMongo({ dataDir, quiet: true });
  const client = new MongoClient(mongo.uri);
  await client.connect();
  const ws = await startSlackWorkspace({ db: client.db("sandbox") });
  const bolt = await startBolt(ws, registerListeners);
  return {
    ws,
    bolt,
    async stop() {
      await bolt.stop();
      await ws.stop();
      await client.close();
      await mongo.stop();
    },
  };
}

function registerListeners(app: App): void {
  app.action<BlockAction<ButtonAction>>("approve", async ({ ack, body, client }) => {
    await ack();
    await client.chat.update({
      channel: body.channel!.id,
      ts: body.message!.ts,
      text: `approved by ${body.user.id}`,
      blocks: [],
    });
  });
  app.action<BlockAction<ButtonAction>>("ask", async ({ ack, body, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: { type: "modal", callback_id: "ask", title: { type: "plain_text", text: "Ask" }, blocks: [] },
    });
  });
}

const buttons = [
  {
    type: "actions",
    elements: [
      { type: "button", action_id: "approve", text: { type: "plain_text", text: "Approve" } },
      { type: "button", action_id: "ask", text: { type: "plain_text", text: "Ask" } },
    ],
  },
];

describe("simulated Slack workspace across a restart", () => {
  it("keeps messages, threads and open modals, and its timestamps keep increasing", async () => {
    const first = await boot();
    let cardTs: string;
    let otherTs: string;
    let replyTs: string;
    let viewId: string;
    try {
      const card = await first.bolt.app.client.chat.postMessage({
        channel: "approvals",
        text: "order A",
        blocks: buttons,
      });
      const other = await first.bolt.app.client.chat.postMessage({
        channel: "approvals",
        text: "order B",
        blocks: buttons,
      });
      cardTs = card.ts!;
      otherTs = other.ts!;
      replyTs = (
        await first.bolt.app.client.chat.postMessage({
          channel: "approvals",
          text: "reminder",
          thread_ts: cardTs,
        })
      ).ts!;
      await first.ws.click({
        channel: "approvals",
        ts: cardTs,
        actionId: "approve",
        userId: first.ws.users.approver.id,
      });
      await first.ws.click({
        channel: "approvals",
        ts: otherTs,
        actionId: "ask",
        userId: first.ws.users.member.id,
      });
      viewId = (await first.ws.views())[0]!.id;
    } finally {
      await first.stop();
    }

    const second = await boot();
    try {
      const messages = await second.ws.messages("approvals");
      expect(messages.map((m) => [m.ts, m.text, m.thread_ts])).toEqual([
        [cardTs, `approved by ${second.ws.users.approver.id}`, undefined],
        [otherTs, "order B", undefined],
        [replyTs, "reminder", cardTs],
      ]);
      expect(await second.ws.views()).toEqual([
        { id: viewId, userId: second.ws.users.member.id, callbackId: "ask", title: "Ask", blocks: [] },
      ]);
      const result = await second.ws.click({
        channel: "approvals",
        ts: otherTs,
        actionId: "approve",
        userId: second.ws.users.admin.id,
      });
      expect(result.status).toBe(200);
      expect((await second.ws.messages("approvals")).find((m) => m.ts === otherTs)?.text).toBe(
        `approved by ${second.ws.users.admin.id}`,
      );
      const later = await second.bolt.app.client.chat.postMessage({
        channel: "approvals",
        text: "new order",
      });
      expect(Number(later.ts)).toBeGreaterThan(Number(replyTs));
    } finally {
      await second.stop();
    }
  });
});
