// The approval card: posted in the approvals channel ("post-card"), then its channel and ts stored
// on the order in a step of their own ("store-card"), so a retry never posts it twice.
import { clock } from "../../../shared/clock.js";
import { approvalCard } from "../card.js";
import { approvalDeadlines } from "../deadlines.js";
import { decidedEventData } from "../decide-order.js";
import type { ApprovalStep, ApprovalWorkflowDeps, PostedCard } from "./context.js";

export async function postCard(step: ApprovalStep, deps: ApprovalWorkflowDeps, orderId: string) {
  const { config, db, client } = deps;
  return step.run("post-card", async () => {
    const order = await db.orders.getById(orderId);
    if (!order) return { posted: false as const, reason: "order-not-found", event: null };
    const createdAtMs = order.createdAt.getTime();
    if (order.slack) {
      return { posted: true as const, channel: order.slack.channel, ts: order.slack.ts, createdAtMs };
    }
    // Decided before there was a card (by staff elsewhere, or cancelled): nothing to ask.
    if (order.status !== "pending_approval") {
      const event = order.status === "cancelled" ? null : decidedEventData(order);
      return { posted: false as const, reason: order.status, event };
    }
    const { expiresAt } = approvalDeadlines(order.createdAt, config.timers);
    const message = approvalCard(order, expiresAt, { now: clock.now(), timezone: config.business.timezone });
    const sent = await client.chat.postMessage({
      channel: config.slack.approvalsChannel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
    });
    if (!sent.channel || !sent.ts) throw new Error("chat.postMessage answered without channel and ts");
    return { posted: true as const, channel: sent.channel, ts: sent.ts, createdAtMs };
  });
}

export async function storeCard(
  step: ApprovalStep,
  deps: Pick<ApprovalWorkflowDeps, "db">,
  orderId: string,
  card: PostedCard,
) {
  return step.run("store-card", async () => {
    const { attached } = await deps.db.orders.attachSlackMessage(orderId, {
      channel: card.channel,
      ts: card.ts,
    });
    return { attached };
  });
}
