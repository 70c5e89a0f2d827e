// Waiting for a person's decision: MongoDB first ("check-before-waiting": a fast click is found, not
// missed), then order/decided (match data.orderId) until APPROVAL_REMINDER ("wait-for-decision"),
// the reminder in the card's thread ("remind-approvers"), and the wait until APPROVAL_TIMEOUT
// ("wait-for-decision-until-expiry").
import { clock } from "../../../shared/clock.js";
import { orderDecided } from "../../../shared/events.js";
import { deciders } from "../../access/roles.js";
import { reminderText } from "../card.js";
import { approvalDeadlines } from "../deadlines.js";
import { decidedEventData } from "../decide-order.js";
import type { ApprovalStep, ApprovalWorkflowDeps, PostedCard } from "./context.js";

export async function checkBeforeWaiting(
  step: ApprovalStep,
  deps: Pick<ApprovalWorkflowDeps, "db">,
  orderId: string,
) {
  return step.run("check-before-waiting", async () => {
    const order = await deps.db.orders.getById(orderId);
    return {
      status: order?.status ?? "missing",
      event:
        order && order.status !== "pending_approval" && order.status !== "cancelled"
          ? decidedEventData(order)
          : null,
      nowMs: clock.nowMs(),
    };
  });
}

/** The decision, or null at the expiry. `nowMs`: the time check-before-waiting read. */
export async function waitForDecision(
  step: ApprovalStep,
  deps: ApprovalWorkflowDeps,
  orderId: string,
  card: PostedCard,
  nowMs: number,
) {
  const deadlines = approvalDeadlines(new Date(card.createdAtMs), deps.config.timers);
  let now = nowMs;
  if (deadlines.remindAt && now < deadlines.remindAt.getTime()) {
    const early = await step.waitForEvent("wait-for-decision", {
      event: orderDecided,
      match: "data.orderId",
      timeout: deadlines.remindAt.getTime() - now,
    });
    if (early) return early;
    now = (await remindApprovers(step, deps, orderId, card, deadlines.expiresAt)).nowMs;
  }
  return step.waitForEvent("wait-for-decision-until-expiry", {
    event: orderDecided,
    match: "data.orderId",
    // At least a second: a wait the engine would take as "no timeout" must never happen.
    timeout: Math.max(deadlines.expiresAt.getTime() - now, 1_000),
  });
}

/** Once per order (the reminder count is on the order): a retried step never reminds twice. */
async function remindApprovers(
  step: ApprovalStep,
  deps: ApprovalWorkflowDeps,
  orderId: string,
  card: PostedCard,
  expiresAt: Date,
) {
  const { db, client } = deps;
  return step.run("remind-approvers", async () => {
    const order = await db.orders.getById(orderId);
    if (!order || order.status !== "pending_approval") return { reminded: false, nowMs: clock.nowMs() };
    if (order.reminders === 0) {
      await client.chat.postMessage({
        channel: card.channel,
        thread_ts: card.ts,
        text: reminderText(order, deciders(deps.roles), expiresAt, {
          now: clock.now(),
          timezone: deps.config.business.timezone,
        }),
      });
      await db.orders.recordReminder(orderId);
    }
    return { reminded: true, nowMs: clock.nowMs() };
  });
}
