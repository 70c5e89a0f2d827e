// Approve and reject at the same moment, by two different approvers, 100 times: each order gets
// exactly one decision in MongoDB, one order/decided and one WhatsApp message to the customer, and
// the person who lost is told who won. Trials run one after another: a person has one modal open at
// a time (as in Slack), and the race that matters is the click against the submission.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registeredFunctionId, workerAppId } from "../../shared/inngest.js";
import { NOTIFY_ORDER_DECISION_ID } from "../../worker/order-updates/index.js";
import type { TestWorker } from "../worker/support/worker-harness.js";
import {
  eventually,
  listRuns,
  nextPhone,
  startSlackHarness,
  type SlackHarness,
} from "./support/slack-harness.js";

const TRIALS = Number(process.env["RACE_TRIALS"] ?? 100);

let h: SlackHarness;
let worker: TestWorker;

beforeAll(async () => {
  h = await startSlackHarness({ settleQuietMs: 100 });
  worker = await h.startWorker("default");
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

interface Trial {
  orderId: string;
  phone: string;
  conversationId: string;
}

async function trial(): Promise<Trial> {
  const { admin, approver } = h.workspace.users;
  const phone = nextPhone();
  const order = await h.createOrder("default", phone);
  await h.announceOrder(order);
  const ref = await h.cardOf(order._id);
  await h.workspace.click({ ...ref, actionId: "order_reject", value: order._id, userId: approver.id });
  const view = await eventually(
    async () => {
      const views = await h.workspace.views();
      return views.find((v) => v.userId === approver.id && JSON.stringify(v.blocks).includes(order._id));
    },
    10_000,
    "the reject modal",
  );
  // The same moment: one approver approves while the other submits the rejection.
  await Promise.all([
    h.workspace.click({ ...ref, actionId: "order_approve", value: order._id, userId: admin.id }),
    h.workspace.submitView({
      viewId: view.id,
      values: { reason: { reason_text: "sin existencias" } },
      userId: approver.id,
    }),
  ]);
  return {
    orderId: order._id,
    phone,
    conversationId: order.conversationId,
  };
}

describe("approve and reject at the same moment", () => {
  it(`${TRIALS} trials: one decision, one order/decided, one customer notification each`, async () => {
    const trials: Trial[] = [];
    for (let i = 0; i < TRIALS; i += 1) trials.push(await trial());

    const notifyFn = registeredFunctionId(workerAppId(worker.config), NOTIFY_ORDER_DECISION_ID);
    await eventually(
      async () => {
        const runs = await listRuns(h.engine.url, notifyFn);
        return runs.filter((r) => r.status === "completed").length >= TRIALS ? true : undefined;
      },
      60_000,
      "every notification run",
    );
    await eventually(
      () => (trials.every((t) => worker.phones.outbound(t.phone).length >= 1) ? true : undefined),
      60_000,
      "every customer notified",
    );

    const approverNotes = await h.workspace.ephemeral(h.workspace.users.approver.id);
    const adminNotes = await h.workspace.ephemeral(h.workspace.users.admin.id);
    const outcomes = { approved: 0, rejected: 0 };
    for (const t of trials) {
      const order = await h.db.orders.getById(t.orderId);
      expect(["approved", "rejected"]).toContain(order?.status);
      outcomes[order!.status as "approved" | "rejected"] += 1;
      const decided = h.slackEvents.filter(
        (e) => e.name === "order/decided" && e.data["orderId"] === t.orderId,
      );
      expect(decided).toHaveLength(1);
      expect(decided[0]?.data["decision"]).toBe(order?.status);
      expect(worker.phones.outbound(t.phone)).toHaveLength(1);
      const requests = h.agentEvents.filter(
        (e) => e.name === "whatsapp/message.send-requested" && e.data["conversationId"] === t.conversationId,
      );
      expect(requests).toHaveLength(1);
      // The loser was told privately who decided first, and only the loser.
      const about = (texts: { text: string }[]) =>
        texts.filter((e) => e.text.includes(t.orderId)).map((e) => e.text);
      const [approverSaw, adminSaw] = [about(approverNotes), about(adminNotes)];
      const loserSaw = order?.status === "approved" ? approverSaw : adminSaw;
      const winnerSaw = order?.status === "approved" ? adminSaw : approverSaw;
      expect(loserSaw.join("\n")).toMatch(/already (approved|rejected) by/);
      expect(winnerSaw).toEqual([]);
    }
    expect(outcomes.approved + outcomes.rejected).toBe(TRIALS);
  }, 300_000);
});
