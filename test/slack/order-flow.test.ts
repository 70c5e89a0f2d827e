// The whole product in one process: a customer walks from "hola" to an order on the simulated phone,
// the sales agent creates it, the approval card appears in the approvals channel, an approver
// approves it in the simulated workspace, and the customer reads the confirmation on WhatsApp.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentWorker } from "../worker/agent/support/agent-harness.js";
import { eventually, nextPhone, startSlackHarness, type SlackHarness } from "./support/slack-harness.js";

const DATA = [
  "me llamo Ana López",
  "mi teléfono es 55 1234 5678",
  "mi dirección es Av. Reforma 123, Col. Centro",
  "ciudad: CDMX",
];

let h: SlackHarness;
let worker: AgentWorker;

beforeAll(async () => {
  h = await startSlackHarness();
  worker = await h.startAgentWorker("default");
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

describe("from WhatsApp to a Slack approval and back", () => {
  it("the agent's order gets a card; approving it tells the customer", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola");
    for (const text of DATA) await worker.say(phone, text);
    await worker.say(phone, "2");
    await worker.say(phone, "sí");
    expect(worker.received(phone).at(-1)).toMatch(/^¡Listo! Registré tu pedido:/);

    const [order] = await h.db.orders.listByConversation((await worker.conversation(phone))._id);
    expect(order?.status).toBe("pending_approval");
    const ref = await h.cardOf(order!._id);
    const card = (await h.workspace.messages("approvals")).find((m) => m.ts === ref.ts);
    expect(JSON.stringify(card?.blocks)).toContain("Ana López");

    const before = worker.received(phone).length;
    await h.workspace.click({
      ...ref,
      actionId: "order_approve",
      value: order!._id,
      userId: h.workspace.users.approver.id,
    });
    const last = await eventually(
      () => {
        const received = worker.received(phone);
        return received.length > before ? received.at(-1) : undefined;
      },
      10_000,
      "the confirmation on WhatsApp",
    );
    expect(last).toMatch(new RegExp(`Tu pedido ${order!._id} \\(\\$899\\.00 MXN\\) está confirmado`));
    // The round is over: the agent no longer treats the order as pending.
    expect((await worker.conversation(phone)).mode).toBe("closed");
  }, 60_000);

  it("a rejected order sends the conversation back to the promotions", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola");
    for (const text of DATA) await worker.say(phone, text);
    await worker.say(phone, "1");
    await worker.say(phone, "sí");
    const conversation = await worker.conversation(phone);
    expect(conversation.mode).toBe("awaiting_approval");
    const [order] = await h.db.orders.listByConversation(conversation._id);
    const ref = await h.cardOf(order!._id);
    const approver = h.workspace.users.approver.id;
    await h.workspace.click({ ...ref, actionId: "order_reject", value: order!._id, userId: approver });
    const view = (await h.workspace.views()).find((v) => v.userId === approver);
    await h.workspace.submitView({
      viewId: view!.id,
      values: { reason: { reason_text: "sin existencias" } },
      userId: approver,
    });
    await eventually(
      async () => ((await worker.conversation(phone)).mode === "promos" ? true : undefined),
      10_000,
      "back to promos",
    );
    const notice = await eventually(
      () => worker.received(phone).find((t) => t.includes("sin existencias")),
      10_000,
      "the rejection notice",
    );
    expect(notice).toMatch(/^Hola Ana, lo sentimos/);
  }, 60_000);
});
