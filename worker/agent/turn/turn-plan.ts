// The plan one turn carries out, and the pure decisions around the brain's plan: what to do when
// the brain is unavailable or the daily cost cap is reached, and how an order that could not be
// created, or that another actor created first, changes what is said. No I/O, no clock.
import type { OrderSource } from "../../../shared/db/index.js";
import type { PricedOrder } from "../../../shared/domain/pricing.js";
import type { handoffReasons } from "../../../shared/events.js";
import { orderAlreadyRegistered, textsIn } from "../../texts/index.js";
import type { BrainContext } from "../brain/types.js";
import { transitionsTo } from "./modes.js";
import { emptyPlan, languageOf, type AgentPlan, type PlannedReply } from "./plan-decision.js";

export type HandoffReason = (typeof handoffReasons)[number];

/** AgentPlan with every handoff reason the product knows (the brain only proposes two of them). */
export type TurnPlan = Omit<AgentPlan, "handoff"> & {
  handoff?: { reason: HandoffReason; summary: string };
};

/**
 * The brain failed for good: a polite reply, and the conversation goes to a person (the reply promises
 * one), who answers from the handoff card's thread; the alert goes to the ops channel.
 */
export function brainUnavailablePlan(context: BrainContext): TurnPlan {
  const language = languageOf(context);
  return {
    ...emptyPlan(language),
    replies: [{ text: textsIn(language).brainFallbackReply, kind: "brain-fallback" }],
    transitions: transitionsTo(context.mode, "handoff"),
    handoff: { reason: "brain-error", summary: "The agent's model could not answer this conversation" },
  };
}

/** Today's model spend reached the cap: hand the conversation to a person without calling the model. */
export function costCapPlan(context: BrainContext): TurnPlan {
  const language = languageOf(context);
  return {
    ...emptyPlan(language),
    replies: [{ text: textsIn(language).handoffNotice, kind: "handoff-notice" }],
    transitions: transitionsTo(context.mode, "handoff"),
    handoff: { reason: "cost-cap", summary: "Daily model cost cap reached for this conversation" },
  };
}

/**
 * The order the plan meant to create was refused by the data layer (catalog changed, data went
 * missing...): do not tell the customer it was placed and do not move to awaiting_approval.
 */
export function withoutOrder(plan: TurnPlan): TurnPlan {
  if (!plan.createOrder) return plan;
  const notPlaced: PlannedReply = { text: textsIn(plan.language).orderNotPlaced, kind: "order-not-placed" };
  const replies = plan.replies.map((r) => (r.kind === "order-placed" ? notPlaced : r));
  const stop = plan.transitions.findIndex((t) => t.to === "awaiting_approval");
  const { createOrder: _dropped, ...rest } = plan;
  return { ...rest, replies, transitions: stop < 0 ? plan.transitions : plan.transitions.slice(0, stop) };
}

/** The order that stands when the data layer found one already open for the conversation. */
export interface ExistingOrder {
  source: OrderSource;
  priced: PricedOrder;
}

function sameOrder(a: PricedOrder, b: PricedOrder): boolean {
  const line = (l: PricedOrder["lines"][number]) => `${l.sku}|${l.pack}|${l.qty}|${l.lineTotalMinor}`;
  return (
    a.currency === b.currency &&
    a.totalMinor === b.totalMinor &&
    a.lines.map(line).join(",") === b.lines.map(line).join(",")
  );
}

/**
 * The data layer returned an order that was already open (another actor, e.g. the promos timer,
 * ordered first; or this very order on a retried step): the confirmation describes that order,
 * never the one the plan meant to create.
 */
export function withExistingOrder(plan: TurnPlan, existing: ExistingOrder): TurnPlan {
  if (!plan.createOrder) return plan;
  if (existing.source === "agent" && sameOrder(plan.createOrder.priced, existing.priced)) return plan;
  const standing: PlannedReply = {
    text: orderAlreadyRegistered(existing.priced, plan.language),
    kind: "order-standing",
  };
  const replies = plan.replies.some((r) => r.kind === "order-placed")
    ? plan.replies.map((r) => (r.kind === "order-placed" ? standing : r))
    : [...plan.replies, standing];
  return { ...plan, replies };
}
