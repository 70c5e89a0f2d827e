// A person's decision on an order, from a button or the reject modal: authorize, one atomic update
// in MongoDB (only from pending_approval), then announce it (`order/decided`, id order:<id>:decided)
// and replace the card's buttons with who decided and when. The loser of a race, or a click on a
// decided or expired order, is told privately who decided first; nothing is written for them.
import { clock } from "../../shared/clock.js";
import type { OrderDoc } from "../../shared/db/index.js";
import { orderDecided, orderDecidedEventId, type OrderDecided } from "../../shared/events.js";
import { orderIdSchema } from "../../shared/domain/orders.js";
import { auditRefusal } from "../access/audit-refusal.js";
import { canDecideOrders } from "../access/roles.js";
import { alreadyDecidedText, decidedCard } from "./card.js";
import type { SlackClient, SlackContext } from "../context.js";
import { approvalDeadlines } from "./deadlines.js";

export const NOT_AUTHORIZED_TEXT =
  "You are not authorized to approve or reject orders. Ask an approver (the attempt was recorded).";

export interface DecisionRequest {
  orderId: string;
  decision: "approved" | "rejected";
  userId: string;
  reason?: string;
  /** The card the person clicked, when the order has none recorded yet. */
  card?: { channel: string; ts: string };
}

export type DecisionResult =
  | { outcome: "decided"; order: OrderDoc }
  /** Text to show only to the person who tried. */
  | { outcome: "refused" | "already_decided" | "not_found" | "invalid"; ephemeral: string };

/** What order/decided says about a decided (or expired) order: plain data, fit for a step's output. */
export function decidedEventData(order: OrderDoc): OrderDecided {
  const by = order.decidedBy;
  return {
    orderId: order._id,
    accountId: order.accountId,
    conversationId: order.conversationId,
    contactId: order.contactId,
    decision: order.status as OrderDecided["decision"],
    by: by?.kind === "slack_user" ? by.id : "system",
    ...(order.reason ? { reason: order.reason } : {}),
    decidedAt: (order.decidedAt ?? clock.now()).toISOString(),
  };
}

/** The order/decided event, with the id that makes a repeat a no-op. */
export function decidedEvent(data: OrderDecided) {
  return orderDecided.create(data, { id: orderDecidedEventId(data.orderId) });
}

/** Replaces the card's buttons with the outcome. */
export async function showOutcomeOnCard(
  ctx: Pick<SlackContext, "config">,
  client: SlackClient,
  order: OrderDoc,
  card: { channel: string; ts: string },
): Promise<void> {
  const { expiresAt } = approvalDeadlines(order.createdAt, ctx.config.timers);
  const message = decidedCard(
    order,
    expiresAt,
    { now: clock.now(), timezone: ctx.config.business.timezone },
    ctx.config.timers.approvalTimeoutMs,
  );
  await client.chat.update({
    channel: card.channel,
    ts: card.ts,
    text: message.text,
    blocks: message.blocks,
  });
}

export async function decideOrder(
  ctx: SlackContext,
  client: SlackClient,
  request: DecisionRequest,
): Promise<DecisionResult> {
  const { db } = ctx;
  if (!canDecideOrders(ctx.roles, request.userId)) {
    await auditRefusal(db, {
      userId: request.userId,
      action: "order.decision_refused",
      subject: { type: "order", id: request.orderId.slice(0, 100) || "unknown" },
      what: request.decision,
    });
    return { outcome: "refused", ephemeral: NOT_AUTHORIZED_TEXT };
  }

  if (!orderIdSchema.safeParse(request.orderId).success)
    return { outcome: "not_found", ephemeral: "This button does not belong to an order." };
  const result = await db.orders.decide(
    request.orderId,
    request.decision,
    { kind: "slack_user", id: request.userId },
    request.reason,
  );
  const cardClock = { now: clock.now(), timezone: ctx.config.business.timezone };
  switch (result.outcome) {
    case "not_found":
      return { outcome: "not_found", ephemeral: `Order ${request.orderId} does not exist.` };
    case "invalid":
      return { outcome: "invalid", ephemeral: `Could not record the decision: ${result.error}.` };
    case "already_decided":
      return {
        outcome: "already_decided",
        ephemeral: alreadyDecidedText(result.order, cardClock, ctx.config.timers.approvalTimeoutMs),
      };
    case "decided":
      break;
  }

  const order = result.order;
  await db.audit.record({
    actor: { kind: "slack_user", id: request.userId },
    action: request.decision === "approved" ? "order.approved" : "order.rejected",
    subject: { type: "order", id: order._id },
    accountId: order.accountId,
    details: { reason: order.reason ?? null },
  });
  // The event first: the customer's notification must not depend on the card update succeeding.
  // Should the send fail, the approval workflow announces the decision when its wait ends.
  try {
    await ctx.inngest.send(decidedEvent(decidedEventData(order)));
  } catch (error) {
    ctx.logger.error({ orderId: order._id, error: String(error) }, "could not announce the decision");
  }
  const card = order.slack ?? request.card;
  if (card) {
    try {
      await showOutcomeOnCard(ctx, client, order, card);
    } catch (error) {
      ctx.logger.warn({ orderId: order._id, error: String(error) }, "could not update the approval card");
    }
  }
  return { outcome: "decided", order };
}
