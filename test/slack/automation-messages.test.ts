// The automations' Slack actions, as the worker's runner announces them: a notification lands in
// its channel (or the sales channel) once, a task reaches its assignee in a direct message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOT, dmChannelId } from "../../sandbox/slack/directory.js";
import { eventually, startSlackHarness, type SlackHarness } from "./support/slack-harness.js";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const base = {
  accountId: "default",
  automationId: "aut_1",
  automationName: "Nuevo lead",
  executionId: "exe_1",
  at: new Date().toISOString(),
};

describe("automation messages in Slack", () => {
  it("posts a notification once, in the sales channel by default or the channel it names", async () => {
    const notify = {
      name: "automation/slack.notify-requested",
      id: "notify-1",
      data: { ...base, text: "Nuevo lead: Ana (CDMX)" },
    };
    await h.sendEvents([notify, notify]);
    await h.sendEvents([
      {
        name: "automation/slack.notify-requested",
        id: "notify-2",
        data: { ...base, channel: "ops", text: "Pedido grande" },
      },
    ]);
    await eventually(
      async () =>
        (await h.workspace.messages("ops")).some((m) => m.text === "Pedido grande") ? true : undefined,
      15_000,
      "the notification in ops",
    );
    await h.engine.settle();
    const sales = (await h.workspace.messages("sales")).filter((m) => m.text === "Nuevo lead: Ana (CDMX)");
    expect(sales).toHaveLength(1);
    expect(JSON.stringify(sales[0]?.blocks)).toContain("Nuevo lead");
  }, 60_000);

  it("gives a task to its assignee", async () => {
    const assignee = h.workspace.users.approver.id;
    await h.sendEvents([
      {
        name: "automation/task.create-requested",
        id: "task-1",
        data: { ...base, assignee, title: "Llamar a Ana para confirmar la dirección" },
      },
    ]);
    const task = await eventually(
      async () => {
        // The DM channel exists once the bot has written there.
        const dm = await h.workspace.messages(dmChannelId(assignee)).catch(() => []);
        return dm.find((m) => m.text.includes("Llamar a Ana"));
      },
      15_000,
      "the task in the assignee's DM",
    );
    expect(task.text).toContain(`<@${assignee}>`);
    expect(task.user).toBe(BOT.userId);
    await h.engine.settle();
    expect((await h.workspace.messages("sales")).some((m) => m.text.includes("Llamar a Ana"))).toBe(false);
  }, 60_000);
});
