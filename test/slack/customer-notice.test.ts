// The customer's notice of the decision goes through the proactive sender: nothing reaches a customer
// who opted out (and the drop is audited), and outside business hours it waits for the opening.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestWorker } from "../worker/support/worker-harness.js";
import { eventually, nextPhone, startSlackHarness, type SlackHarness } from "./support/slack-harness.js";

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

let h: SlackHarness;
let open: TestWorker;
let closedToday: TestWorker;

beforeAll(async () => {
  h = await startSlackHarness();
  open = await h.startWorker("default");
  // Open every day but today (in the business time zone): a notice now must wait until tomorrow.
  const today = new Intl.DateTimeFormat("en-US", { timeZone: "America/Mexico_City", weekday: "short" })
    .format(new Date(h.engine.nowMs()))
    .toLowerCase();
  closedToday = await h.startWorker("closed", {
    BUSINESS_HOURS: "00:00-24:00",
    BUSINESS_DAYS: DAYS.filter((d) => d !== today).join(","),
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

async function approve(accountId: string, phone: string) {
  const order = await h.createOrder(accountId, phone);
  await h.announceOrder(order);
  const ref = await h.cardOf(order._id);
  await h.workspace.click({
    ...ref,
    actionId: "order_approve",
    value: order._id,
    userId: h.workspace.users.approver.id,
  });
  expect((await h.db.orders.getById(order._id))?.status).toBe("approved");
  return order;
}

describe("the customer's notice of the decision", () => {
  it("is not sent to a customer who opted out; the drop is audited", async () => {
    const phone = nextPhone();
    const order = await h.createOrder("default", phone);
    await h.db.conversations.optOut(order.conversationId);
    await h.announceOrder(order);
    const ref = await h.cardOf(order._id);
    await h.workspace.click({
      ...ref,
      actionId: "order_approve",
      value: order._id,
      userId: h.workspace.users.approver.id,
    });
    const dropped = await eventually(
      async () => {
        const audit = await h.db.audit.listForSubject("conversation", order.conversationId);
        return audit.find((e) => e.action === "message.dropped_opted_out");
      },
      10_000,
      "the audited drop",
    );
    expect(dropped.details?.["reason"]).toBe("order-approved");
    expect(open.phones.outbound(phone)).toEqual([]);
  });

  it("outside business hours waits for the opening, then is sent once", async () => {
    const phone = nextPhone();
    await approve("closed", phone);
    await eventually(
      () =>
        h.agentEvents.some((e) => e.name === "whatsapp/message.send-requested" && e.data["to"] === phone)
          ? true
          : undefined,
      10_000,
      "the send request",
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(closedToday.phones.outbound(phone)).toEqual([]);
    await h.engine.advance(24 * 3_600_000);
    await h.engine.settle();
    const sent = await eventually(
      () => {
        const out = closedToday.phones.outbound(phone);
        return out.length > 0 ? out : undefined;
      },
      10_000,
      "the notice after the opening",
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toMatch(/confirmado/);
  });
});
