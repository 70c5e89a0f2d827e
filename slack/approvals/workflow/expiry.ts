// The timeout: MongoDB again, then the same atomic update a click makes ("expire"); an order that
// did expire shows it on its card ("mark-card-expired").
import { decidedEventData, showOutcomeOnCard } from "../decide-order.js";
import type { ApprovalStep, ApprovalWorkflowDeps, PostedCard } from "./context.js";

/** Who expires an order nobody decided. */
export const APPROVAL_TIMEOUT_ACTOR = { kind: "system", id: "approval-timeout" } as const;

export async function expireOrder(
  step: ApprovalStep,
  deps: Pick<ApprovalWorkflowDeps, "db">,
  orderId: string,
) {
  const { db } = deps;
  return step.run("expire", async () => {
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
}

export async function markCardExpired(
  step: ApprovalStep,
  deps: ApprovalWorkflowDeps,
  orderId: string,
  card: PostedCard,
) {
  await step.run("mark-card-expired", async () => {
    const order = await deps.db.orders.getById(orderId);
    if (order) await showOutcomeOnCard(deps, deps.client, order, card);
  });
}
