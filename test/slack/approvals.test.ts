// The order approval workflow end to end: order/created → the card in the approvals channel (simulated
// workspace, real Bolt app over signed requests) → a click or the reject modal → one atomic decision
// in MongoDB → one order/decided → the worker tells the customer once. Reminder and expiry run on
// the local engine's clock (POST /clock/advance).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestWorker } from "../worker/support/worker-harness.js";
import {
  approvalRuns,
  eventually,
  nextPhone,
  startSlackHarness,
  type SlackHarness,
} from "./support/slack-harness.js";

let h: SlackHarness;
let worker: TestWorker;

beforeAll(async () => {
  h = await startSlackHarness();
  worker = await h.startWorker("default");
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const text = (blocks: unknown) => JSON.stringify(blocks);

async function card(channel: string, ts: string) {
  const message = (await h.workspace.messages(channel)).find((m) => m.ts === ts);
  if (!message) throw new Error(`no message ${ts}`);
  return message;
}

async function advanceClock(ms: number): Promise<void> {
  const res = await fetch(`${h.engine.url}/clock/advance`, { method: "POST", body: JSON.stringify({ ms }) });
  expect(res.status).toBe(200);
}

function decidedEvents(orderId: string) {
  return h.slackEvents.filter((e) => e.name === "order/decided" && e.data["orderId"] === orderId);
}

async function newCard(name = "Ana López") {
  const phone = nextPhone();
  const order = await h.createOrder("default", phone, name);
  await h.announceOrder(order);
  const ref = await h.cardOf(order._id);
  return { phone, order, ref };
}

/** The customer's WhatsApp messages about their order (the proactive sender delivers them). */
async function customerMessages(phone: string, atLeast: number) {
  return eventually(
    () => {
      const received = worker.phones.outbound(phone).map((m) => m.text);
      return received.length >= atLeast ? received : undefined;
    },
    10_000,
    `${atLeast} message(s) to ${phone}`,
  );
}

describe("the approval card", () => {
  it("shows the customer, phone, items, total, address, city, how it came about and the expiry, with Approve (confirm) and Reject", async () => {
    const { phone, order, ref } = await newCard("Ana López");
    expect(ref.channel).toBe(h.workspace.channels.approvals.id);
    const message = await card(ref.channel, ref.ts);
    const shown = text(message.blocks);
    for (const part of [
      "Ana López",
      phone,
      "Colágeno",
      "1 × Colágeno hidrolizado con vitamina C (500 g) (2x)",
      "$899.00 MXN",
      "Av. Reforma 123",
      "Ciudad de México",
      "confirmed the order in WhatsApp",
      "Expires",
    ]) {
      expect(shown).toContain(part);
    }
    const actions = (
      message.blocks as Array<{ type: string; elements?: Array<Record<string, unknown>> }>
    ).find((b) => b.type === "actions");
    const [approve, reject] = actions?.elements ?? [];
    expect(approve).toMatchObject({ action_id: "order_approve", style: "primary", value: order._id });
    expect(approve?.["confirm"]).toBeDefined();
    expect(reject).toMatchObject({ action_id: "order_reject", style: "danger", value: order._id });
    // The channel and ts are stored on the order.
    expect((await h.db.orders.getById(order._id))?.slack).toMatchObject(ref);
  });
});

describe("approving", () => {
  it("a double click approves once: card updated without buttons, one order/decided, one message to the customer; the second click is told who approved", async () => {
    const { phone, order, ref } = await newCard();
    const { approver, admin } = h.workspace.users;
    // Both see the buttons and click at the same moment.
    const clicks = await Promise.all(
      [approver, admin].map((u) =>
        h.workspace.click({ ...ref, actionId: "order_approve", value: order._id, userId: u.id }),
      ),
    );
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);

    const stored = await h.db.orders.getById(order._id);
    expect(stored?.status).toBe("approved");
    const winner = stored?.decidedBy?.id ?? "";
    const loser = clicks[winner === approver.id ? 1 : 0]!;
    expect(loser.ephemeral.join("\n")).toMatch(
      new RegExp(`already approved by <@${winner}> at \\d{2}:\\d{2}`),
    );
    const updated = await card(ref.channel, ref.ts);
    expect(text(updated.blocks)).toMatch(new RegExp(`Approved by <@${winner}> at \\d{2}:\\d{2}`));
    expect(text(updated.blocks)).not.toContain("order_approve");

    const [notice] = await customerMessages(phone, 1);
    expect(notice).toContain(order._id);
    expect(notice).toMatch(/confirmado/);

    // Later, from a screen that still shows the buttons: told who approved, nothing changes.
    const updates = h.workspace.calls("chat.update").length;
    const late = await h.workspace.click({
      ...ref,
      actionId: "order_approve",
      value: order._id,
      userId: admin.id,
    });
    expect(late.ephemeral.join("\n")).toMatch(
      new RegExp(`already approved by <@${winner}> at \\d{2}:\\d{2}`),
    );
    // Slack retrying that click (X-Slack-Retry-Num) repeats nothing: not even the private answer.
    const answers = (await h.workspace.ephemeral(admin.id)).length;
    expect((await h.workspace.redeliverLast()).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.workspace.ephemeral(admin.id)).length).toBe(answers);
    expect(h.workspace.calls("chat.update").length).toBe(updates);
    await eventually(
      () => (decidedEvents(order._id).length === 1 ? true : undefined),
      5_000,
      "order/decided",
    );
    expect(decidedEvents(order._id)[0]).toMatchObject({
      id: `order:${order._id}:decided`,
      data: { decision: "approved", by: winner },
    });
    const runs = await eventually(
      async () => {
        const r = await approvalRuns(h, order._id);
        return r[0]?.status === "completed" ? r : undefined;
      },
      10_000,
      "the approval run to complete",
    );
    expect(runs).toHaveLength(1);
    expect(worker.phones.outbound(phone)).toHaveLength(1);
  });

  it("a member who is not an approver is told privately, the attempt is audited, and nothing is decided", async () => {
    const { order, ref } = await newCard();
    const member = h.workspace.users.member;
    const click = await h.workspace.click({
      ...ref,
      actionId: "order_approve",
      value: order._id,
      userId: member.id,
    });
    expect(click.ephemeral.join("\n")).toMatch(/not authorized/);
    const reject = await h.workspace.click({
      ...ref,
      actionId: "order_reject",
      value: order._id,
      userId: member.id,
    });
    expect(reject.ephemeral.join("\n")).toMatch(/not authorized/);
    expect((await h.workspace.views()).filter((v) => v.userId === member.id)).toHaveLength(0);
    expect((await h.db.orders.getById(order._id))?.status).toBe("pending_approval");
    const audit = await h.db.audit.listForSubject("order", order._id);
    expect(
      audit.filter((e) => e.action === "order.decision_refused" && e.actor.id === member.id),
    ).toHaveLength(2);
    expect(text((await card(ref.channel, ref.ts)).blocks)).toContain("order_approve");
  });
});

describe("rejecting", () => {
  it("Reject opens a modal that requires a reason; the customer is told the reason politely", async () => {
    const { phone, order, ref } = await newCard();
    const approver = h.workspace.users.approver;
    await h.workspace.click({ ...ref, actionId: "order_reject", value: order._id, userId: approver.id });
    const [view] = (await h.workspace.views()).filter(
      (v) => v.userId === approver.id && v.callbackId === "order_reject_reason",
    );
    expect(view).toBeDefined();

    const empty = await h.workspace.submitView({
      viewId: view!.id,
      values: { reason: { reason_text: "  " } },
      userId: approver.id,
    });
    expect(empty.errors?.["reason"]).toMatch(/reason/i);
    expect((await h.db.orders.getById(order._id))?.status).toBe("pending_approval");

    const done = await h.workspace.submitView({
      viewId: view!.id,
      values: { reason: { reason_text: "No entregamos en esa zona todavía" } },
      userId: approver.id,
    });
    expect(done.errors).toBeUndefined();
    expect(await h.db.orders.getById(order._id)).toMatchObject({
      status: "rejected",
      reason: "No entregamos en esa zona todavía",
    });
    expect(text((await card(ref.channel, ref.ts)).blocks)).toMatch(
      new RegExp(`Rejected by <@${approver.id}> at \\d{2}:\\d{2}: No entregamos en esa zona todavía`),
    );
    const [notice] = await customerMessages(phone, 1);
    expect(notice).toMatch(/lo sentimos/i);
    expect(notice).toContain("No entregamos en esa zona todavía");
  });

  it("a reject modal submitted after someone approved changes nothing and says who approved", async () => {
    const { phone, order, ref } = await newCard();
    const { approver, admin } = h.workspace.users;
    await h.workspace.click({ ...ref, actionId: "order_reject", value: order._id, userId: approver.id });
    const view = (await h.workspace.views()).find(
      (v) => v.userId === approver.id && v.callbackId === "order_reject_reason",
    );
    await h.workspace.click({ ...ref, actionId: "order_approve", value: order._id, userId: admin.id });
    const late = await h.workspace.submitView({
      viewId: view!.id,
      values: { reason: { reason_text: "too late" } },
      userId: approver.id,
    });
    expect(late.ephemeral.join("\n")).toMatch(new RegExp(`already approved by <@${admin.id}>`));
    expect((await h.db.orders.getById(order._id))?.status).toBe("approved");
    await customerMessages(phone, 1);
    expect(worker.phones.outbound(phone)).toHaveLength(1);
  });

  it("Reject or Approve on a card whose order was decided elsewhere: no modal, told who decided, nothing changes", async () => {
    const { order, ref } = await newCard();
    const { approver, admin } = h.workspace.users;
    await h.db.orders.decide(order._id, "rejected", { kind: "slack_user", id: admin.id }, "duplicado");
    const before = (await h.workspace.views()).length;
    const reject = await h.workspace.click({
      ...ref,
      actionId: "order_reject",
      value: order._id,
      userId: approver.id,
    });
    expect(reject.ephemeral.join("\n")).toMatch(
      new RegExp(`already rejected by <@${admin.id}> at \\d{2}:\\d{2}: duplicado`),
    );
    expect((await h.workspace.views()).length).toBe(before);
    const approve = await h.workspace.click({
      ...ref,
      actionId: "order_approve",
      value: order._id,
      userId: approver.id,
    });
    expect(approve.ephemeral.join("\n")).toMatch(/already rejected/);
    expect((await h.db.orders.getById(order._id))?.status).toBe("rejected");
  });
});

describe("reminder and expiry on the engine clock", () => {
  it("reminds the approvers in the card's thread after 4h and expires the order at 24h, telling the customer", async () => {
    const { phone, order, ref } = await newCard();
    await eventually(
      async () => ((await approvalRuns(h, order._id))[0]?.status === "waiting" ? true : undefined),
      10_000,
      "waiting",
    );
    await advanceClock(4 * 3_600_000 + 1_000);
    const reminder = await eventually(
      async () => {
        const thread = (await h.workspace.messages(ref.channel)).filter(
          (m) => m.thread_ts === ref.ts && m.ts !== ref.ts,
        );
        return thread[0];
      },
      10_000,
      "the reminder",
    );
    expect(reminder.text).toContain(`<@${h.workspace.users.approver.id}>`);
    expect(reminder.text).toContain(order._id);
    expect((await h.db.orders.getById(order._id))?.reminders).toBe(1);

    await advanceClock(20 * 3_600_000);
    await eventually(
      async () => ((await h.db.orders.getById(order._id))?.status === "expired" ? true : undefined),
      10_000,
      "expiry",
    );
    await eventually(
      async () =>
        text((await card(ref.channel, ref.ts)).blocks).includes("Expired, no decision in 24h")
          ? true
          : undefined,
      10_000,
      "expired card",
    );
    expect(text((await card(ref.channel, ref.ts)).blocks)).not.toContain("order_approve");
    const [notice] = await customerMessages(phone, 1);
    expect(notice).toMatch(/a tiempo/);
    expect(decidedEvents(order._id).map((e) => e.data["decision"])).toEqual(["expired"]);

    const late = await h.workspace.click({
      ...ref,
      actionId: "order_approve",
      value: order._id,
      userId: h.workspace.users.approver.id,
    });
    expect(late.ephemeral.join("\n")).toMatch(/already expired/);
  });

  it("a decision made before the workflow waits is not lost: it is announced and the customer told once", async () => {
    const phone = nextPhone();
    const order = await h.createOrder("default", phone);
    // Decided in MongoDB before order/created reaches the workflow (its announcement lost).
    await h.db.orders.decide(order._id, "approved", {
      kind: "slack_user",
      id: h.workspace.users.approver.id,
    });
    await h.announceOrder(order);
    await eventually(
      () => (decidedEvents(order._id).length === 1 ? true : undefined),
      10_000,
      "order/decided",
    );
    const [notice] = await customerMessages(phone, 1);
    expect(notice).toMatch(/confirmado/);
    await advanceClock(25 * 3_600_000);
    expect((await h.db.orders.getById(order._id))?.status).toBe("approved");
    expect(worker.phones.outbound(phone)).toHaveLength(1);
  });
});
