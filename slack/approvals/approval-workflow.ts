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
//
// The steps, in slack/approvals/workflow/: post-card ▸ store-card ▸ check-before-waiting ▸
// wait-for-decision ▸ (remind-approvers) ▸ wait-for-decision-until-expiry ▸ expire ▸
// (mark-card-expired) ▸ (announce-outcome).
import { orderCreated } from "../../shared/events.js";
import { decidedEvent } from "./decide-order.js";
import { postCard, storeCard } from "./workflow/card.js";
import type { ApprovalWorkflowDeps } from "./workflow/context.js";
import { expireOrder, markCardExpired } from "./workflow/expiry.js";
import { checkBeforeWaiting, waitForDecision } from "./workflow/wait.js";

export type { ApprovalWorkflowDeps } from "./workflow/context.js";
export { APPROVAL_TIMEOUT_ACTOR } from "./workflow/expiry.js";

export const APPROVAL_WORKFLOW_ID = "order-approval";

export function createApprovalWorkflow(deps: ApprovalWorkflowDeps) {
  return deps.inngest.createFunction(
    {
      id: APPROVAL_WORKFLOW_ID,
      name: "Wait for a Slack decision on an order",
      triggers: [orderCreated],
      idempotency: "event.data.orderId",
    },
    async ({ event, step }) => {
      const orderId = event.data.orderId;

      const card = await postCard(step, deps, orderId);
      if (!card.posted) {
        if (card.event) await step.sendEvent("announce-decision-without-card", decidedEvent(card.event));
        return { outcome: "no-card", reason: card.reason };
      }
      await storeCard(step, deps, orderId, card);

      const before = await checkBeforeWaiting(step, deps, orderId);
      if (before.status !== "pending_approval") {
        if (before.event) await step.sendEvent("announce-earlier-decision", decidedEvent(before.event));
        return { outcome: "decided-before-waiting", status: before.status };
      }

      const decision = await waitForDecision(step, deps, orderId, card, before.nowMs);
      if (decision) return { outcome: "decided", decision: decision.data.decision };

      const expiry = await expireOrder(step, deps, orderId);
      if (expiry.outcome === "expired") await markCardExpired(step, deps, orderId, card);
      // Tells the customer (the worker listens): the expiry, or a decision whose announcement failed.
      if (expiry.event) await step.sendEvent("announce-outcome", decidedEvent(expiry.event));
      return { outcome: expiry.outcome };
    },
  );
}
