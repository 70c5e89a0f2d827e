// The order approval workflow: `order/created` → post the approval card in the approvals channel →
// wait for `order/decided` (match data.orderId) → remind the approvers in the card's thread after
// APPROVAL_REMINDER → at APPROVAL_TIMEOUT expire the order and tell the customer (via order/decided).
//
// - MongoDB decides (ARCHITECTURE rule 3): the order is read before waiting, so a decision made
//   before the wait began is not lost, and again at the timeout; expiry is the same atomic
//   conditional update as a click, so a click at the last second and the timeout cannot both win.
// - Each Slack post is its own step; the card's channel and ts are stored on the order in their own
//   step. Whenever the workflow finds the order decided it (re)sends order/decided with the id
//   order:<id>:decided: a repeat is dropped, and a click whose announcement failed is announced.
// - One run per order (idempotency on the order id), whoever sends order/created twice.
import { clock } from "../../shared/clock.js";
import { orderCreated, orderDecided } from "../../shared/events.js";
import { deciders } from "../access/roles.js";
import { approvalCard, reminderText } from "./card.js";
import type { SlackClient, SlackContext } from "./context.js";
import { approvalDeadlines } from "./deadlines.js";
import { decidedEvent, decidedEventData, showOutcomeOnCard } from "./decide-order.js";

export const APPROVAL_WORKFLOW_ID = "order-approval";

/** Who expires an order nobody decided. */
export const APPROVAL_TIMEOUT_ACTOR = { kind: "system", id: "approval-timeout" } as const;

export interface ApprovalWorkflowDeps extends SlackContext {
  client: SlackClient;
}

export function createApprovalWorkflow(deps: ApprovalWorkflowDeps) {
  const { config, db, client } = deps;
  const timers = config.timers;
  const timezone = config.business.timezone;

  return deps.inngest.createFunction(
    {
      id: APPROVAL_WORKFLOW_ID,
      name: "Wait for a Slack decision on an order",
      triggers: [orderCreated],
      idempotency: "event.data.orderId",
    },
    async ({ event, step }) => {
      const orderId = event.data.orderId;

      const card = await step.run("post-card", async () => {
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
        const { expiresAt } = approvalDeadlines(order.createdAt, timers);
        const message = approvalCard(order, expiresAt, { now: clock.now(), timezone });
        const sent = await client.chat.postMessage({
          channel: config.slack.approvalsChannel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
        });
        if (!sent.channel || !sent.ts) throw new Error("chat.postMessage answered without channel and ts");
        return { posted: true as const, channel: sent.channel, ts: sent.ts, createdAtMs };
      });
      if (!card.posted) {
        if (card.event) await step.sendEvent("announce-decision-without-card", decidedEvent(card.event));
        return { outcome: "no-card", reason: card.reason };
      }

      await step.run("store-card", async () => {
        const { attached } = await db.orders.attachSlackMessage(orderId, {
          channel: card.channel,
          ts: card.ts,
        });
        return { attached };
      });

      // A decision made before the wait began (a fast click) is found here, not missed.
      const before = await step.run("check-before-waiting", async () => {
        const order = await db.orders.getById(orderId);
        return {
          status: order?.status ?? "missing",
          event:
            order && order.status !== "pending_approval" && order.status !== "cancelled"
              ? decidedEventData(order)
              : null,
          nowMs: clock.nowMs(),
        };
      });
      if (before.status !== "pending_approval") {
        if (before.event) await step.sendEvent("announce-earlier-decision", decidedEvent(before.event));
        return { outcome: "decided-before-waiting", status: before.status };
      }

      const deadlines = approvalDeadlines(new Date(card.createdAtMs), timers);
      const expiresAtMs = deadlines.expiresAt.getTime();
      let nowMs = before.nowMs;
      let decision = null;
      if (deadlines.remindAt && nowMs < deadlines.remindAt.getTime()) {
        decision = await step.waitForEvent("wait-for-decision", {
          event: orderDecided,
          match: "data.orderId",
          timeout: deadlines.remindAt.getTime() - nowMs,
        });
        if (!decision) {
          const reminded = await step.run("remind-approvers", async () => {
            const order = await db.orders.getById(orderId);
            if (!order || order.status !== "pending_approval")
              return { reminded: false, nowMs: clock.nowMs() };
            if (order.reminders === 0) {
              await client.chat.postMessage({
                channel: card.channel,
                thread_ts: card.ts,
                text: reminderText(order, deciders(deps.roles), deadlines.expiresAt, {
                  now: clock.now(),
                  timezone,
                }),
              });
              await db.orders.recordReminder(orderId);
            }
            return { reminded: true, nowMs: clock.nowMs() };
          });
          nowMs = reminded.nowMs;
        }
      }
      if (!decision) {
        decision = await step.waitForEvent("wait-for-decision-until-expiry", {
          event: orderDecided,
          match: "data.orderId",
          // At least a second: a wait the engine would take as "no timeout" must never happen.
          timeout: Math.max(expiresAtMs - nowMs, 1_000),
        });
      }
      if (decision) return { outcome: "decided", decision: decision.data.decision };

      // The timeout: MongoDB again, then the same atomic update a click makes.
      const expiry = await step.run("expire", async () => {
        const result = await db.orders.decide(orderId, "expired", APPROVAL_TIMEOUT_ACTOR);
        if (result.outcome === "decided") {
          await db.audit.record({
            actor: APPROVAL_TIMEOUT_ACTOR,
            action: "order.expired",
            subject: { type: "order", id: orderId },
            accountId: result.order.accountId,
          });
          return { outcome: "expired", event: decidedEventData(result.order) };
        }
        if (result.outcome === "already_decided" && result.status !== "cancelled")
          return { outcome: `already-${result.status}`, event: decidedEventData(result.order) };
        return { outcome: result.outcome, event: null };
      });
      if (expiry.outcome === "expired") {
        await step.run("mark-card-expired", async () => {
          const order = await db.orders.getById(orderId);
          if (order) await showOutcomeOnCard(deps, client, order, card);
        });
      }
      // Tells the customer (the worker listens): the expiry, or a decision whose announcement failed.
      if (expiry.event) await step.sendEvent("announce-outcome", decidedEvent(expiry.event));
      return { outcome: expiry.outcome };
    },
  );
}
