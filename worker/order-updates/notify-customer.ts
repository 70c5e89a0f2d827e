// Tells the customer how their order was decided (approved, rejected with the reason, or expired),
// once: `order/decided` → one `whatsapp/message.send-requested` through the proactive sender (which
// waits for business hours, respects opt-outs and sends idempotently). The dedupe key is per order,
// so whatever repeats upstream, the customer reads one message about it. The conversation leaves
// awaiting_approval (conditional on still being there, so a paused or opted-out one stays as it is),
// so the agent no longer answers "your order is pending".
import type { Config } from "../../shared/config/index.js";
import type { DbHandle } from "../../shared/db/index.js";
import { formatMoney } from "../../shared/domain/money.js";
import { agentModeChanged, orderDecided, whatsappMessageSendRequested } from "../../shared/events.js";
import { accountCondition, type InngestClient } from "../../shared/inngest.js";
import { modeChangedEventId } from "../keys.js";
import { detectLanguage } from "../texts/index.js";
import { modeAfterDecision } from "./mode-after-decision.js";
import { orderApprovedText, orderExpiredText, orderRejectedText } from "./texts.js";

export const NOTIFY_ORDER_DECISION_ID = "notify-order-decision";

export interface OrderUpdatesDeps {
  config: Pick<Config, "whatsapp">;
  inngest: InngestClient;
  db: Pick<DbHandle, "orders" | "conversations" | "messages">;
}

/** One notification per order, whatever the decision. */
export function orderDecisionDedupeKey(orderId: string): string {
  return `order-decision:${orderId}`;
}

export function createNotifyOrderDecision(deps: OrderUpdatesDeps) {
  const { db } = deps;
  const accountId = deps.config.whatsapp.accountId;
  return deps.inngest.createFunction(
    {
      id: NOTIFY_ORDER_DECISION_ID,
      name: "Tell the customer how their order was decided",
      triggers: [{ event: orderDecided, if: accountCondition(accountId) }],
      idempotency: "event.data.orderId",
    },
    async ({ event, step }) => {
      const { orderId, conversationId, decision } = event.data;
      const message = await step.run("compose", async () => {
        const order = await db.orders.getById(orderId);
        const conversation = await db.conversations.getById(conversationId);
        // MongoDB is the truth: the message says what the order is, not what an event claimed.
        if (!order || !conversation || order.status !== decision) return null;
        const recent = await db.messages.listRecent(conversationId, 20);
        const language = detectLanguage(recent.filter((m) => m.direction === "in").map((m) => m.text));
        const facts = {
          orderId,
          name: order.customer.name,
          total: formatMoney({ amountMinor: order.totalMinor, currency: order.currency }),
          ...(order.reason ? { reason: order.reason } : {}),
        };
        const text =
          decision === "approved"
            ? orderApprovedText(facts, language)
            : decision === "rejected"
              ? orderRejectedText(facts, language)
              : orderExpiredText(facts, language);
        return { to: conversation.phone, text };
      });
      if (!message) return { notified: false };

      const moved = await step.run("leave-awaiting-approval", async () => {
        const to = modeAfterDecision(decision);
        const result = await db.conversations.setMode(conversationId, "awaiting_approval", to);
        if (!result.ok) return null;
        const c = result.conversation;
        return { contactId: c.contactId, to, at: c.modeChangedAt.toISOString(), episode: c.episode };
      });
      if (moved) {
        await step.sendEvent(
          "announce-mode",
          agentModeChanged.create(
            {
              accountId,
              conversationId,
              contactId: moved.contactId,
              from: "awaiting_approval",
              to: moved.to,
              at: moved.at,
            },
            { id: modeChangedEventId(conversationId, moved.episode) },
          ),
        );
      }
      const dedupeKey = orderDecisionDedupeKey(orderId);
      await step.sendEvent(
        "request-notification",
        whatsappMessageSendRequested.create(
          {
            accountId,
            conversationId,
            to: message.to,
            text: message.text,
            dedupeKey,
            reason: `order-${decision}`,
          },
          { id: `send:${accountId}:${dedupeKey}` },
        ),
      );
      return { notified: true, decision };
    },
  );
}
