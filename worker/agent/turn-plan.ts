// The plan one agent run carries out, and the pure decisions around the brain's plan: what to do
// when the brain is unavailable or the daily cost cap is reached, and how an order that could not be
// created changes what is said. No I/O, no clock.
import type { handoffReasons } from "../../shared/events.js";
import type { ConversationMode } from "../../shared/domain/conversation.js";
import type { AgentPlan } from "./apply-decision.js";
import { modePath } from "./apply-decision.js";
import type { BrainContext } from "./brain/types.js";
import type { OrderSource } from "../../shared/db/index.js";
import type { PricedOrder } from "../../shared/domain/pricing.js";
import {
  detectLanguage,
  orderAlreadyRegistered,
  orderPlaced,
  textsIn,
  type Language,
} from "../texts/index.js";

export type HandoffReason = (typeof handoffReasons)[number];

/** AgentPlan with every handoff reason the product knows (the brain only proposes two of them). */
export type TurnPlan = Omit<AgentPlan, "handoff"> & {
  handoff?: { reason: HandoffReason; summary: string };
};

export function languageOf(context: BrainContext): Language {
  const inbound = (messages: BrainContext["history"]) =>
    messages.filter((m) => m.direction === "in").map((m) => m.text);
  return detectLanguage(inbound(context.newMessages), inbound(context.history));
}

function emptyPlan(language: Language): TurnPlan {
  return {
    silent: false,
    language,
    saveFields: {},
    rejectedFields: [],
    replies: [],
    transitions: [],
    problems: [],
  };
}

/** The brain failed for good: a polite reply, nothing else changes (the alert goes to Slack). */
export function brainUnavailablePlan(context: BrainContext): TurnPlan {
  const language = languageOf(context);
  return {
    ...emptyPlan(language),
    replies: [{ text: textsIn(language).brainFallbackReply, source: "system" }],
  };
}

/** Today's model spend reached the cap: hand the conversation to a person without calling the model. */
export function costCapPlan(context: BrainContext): TurnPlan {
  const language = languageOf(context);
  const path = modePath(context.mode, "handoff") ?? [];
  let from: ConversationMode = context.mode;
  const transitions = path.map((to) => {
    const step = { from, to };
    from = to;
    return step;
  });
  return {
    ...emptyPlan(language),
    replies: [{ text: textsIn(language).handoffNotice, source: "system" }],
    transitions,
    handoff: { reason: "cost-cap", summary: "Daily model cost cap reached for this conversation" },
  };
}

/**
 * The order the plan meant to create was refused by the data layer (catalog changed, data went
 * missing...): do not tell the customer it was placed and do not move to awaiting_approval.
 */
export function withoutOrder(plan: TurnPlan): TurnPlan {
  if (!plan.createOrder) return plan;
  const placed = orderPlaced(plan.createOrder.priced, plan.language);
  const replies = plan.replies.map((r) =>
    r.text === placed ? { text: textsIn(plan.language).orderNotPlaced, source: "system" as const } : r,
  );
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
  const planned = plan.createOrder.priced;
  if (existing.source === "agent" && sameOrder(planned, existing.priced)) return plan;
  const placed = orderPlaced(planned, plan.language);
  const standing = orderAlreadyRegistered(existing.priced, plan.language);
  const replies = plan.replies.some((r) => r.text === placed)
    ? plan.replies.map((r) => (r.text === placed ? { text: standing, source: "system" as const } : r))
    : [...plan.replies, { text: standing, source: "system" as const }];
  return { ...plan, replies };
}
