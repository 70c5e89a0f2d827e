// What a turn announces, once, under ids derived from the turn ("announce"): the mode changes made,
// the order created, a handoff, a brain failure; and, after the promos list, the offer itself
// ("announce-promos"), which starts the promos timer.
import {
  agentBrainFailed,
  agentHandoffRequested,
  agentModeChanged,
  agentPromosOffered,
  crmContactFieldChanged,
  orderCreated,
  orderCreatedEventId,
} from "../../../shared/events.js";
import { modeChangedEventId, promosOfferedEventId, turnEventId } from "../../keys.js";
import type { AppliedTransition, CreatedOrder } from "./apply.js";
import type { AgentStep, Turn } from "./context.js";
import type { BrainFailure } from "./decide.js";
import type { TurnPlan } from "./turn-plan.js";

export interface TurnOutcome {
  plan: TurnPlan;
  applied: AppliedTransition[];
  order?: CreatedOrder;
  failure?: BrainFailure;
  /** The customer fields saved this turn (save-data). */
  savedFields?: string[];
  /** When the turn was handled (advance-watermark). */
  at: string;
}

function scopeOf(turn: Turn) {
  const { accountId, id: conversationId, contactId } = turn.conversation;
  return { accountId, conversationId, contactId };
}

/** The events that tell the rest of the product what this turn did. Pure. */
export function turnAnnouncements(
  turn: Turn,
  { plan, applied, order, failure, savedFields = [], at }: TurnOutcome,
) {
  const scope = scopeOf(turn);
  const { accountId, conversationId } = scope;
  return [
    ...applied.map((t) =>
      agentModeChanged.create(
        { ...scope, from: t.from, to: t.to, at: t.at },
        { id: modeChangedEventId(conversationId, t.episode) },
      ),
    ),
    ...(order
      ? [
          orderCreated.create(
            {
              ...scope,
              orderId: order.orderId,
              total: { amountMinor: order.totalMinor, currency: order.currency },
              source: order.source,
              createdAt: order.createdAt,
            },
            { id: orderCreatedEventId(order.orderId) },
          ),
        ]
      : []),
    // The CRM automations' field.changed trigger: one event per field and turn.
    ...savedFields.map((field) =>
      crmContactFieldChanged.create(
        { ...scope, field, at },
        { id: turnEventId(`field-${field}`, conversationId, turn.watermark) },
      ),
    ),
    ...(plan.handoff
      ? [
          agentHandoffRequested.create(
            { ...scope, reason: plan.handoff.reason, summary: plan.handoff.summary, at },
            { id: turnEventId("handoff", conversationId, turn.watermark) },
          ),
        ]
      : []),
    ...(failure
      ? [
          agentBrainFailed.create(
            { accountId, conversationId, ...failure, message: failure.message.slice(0, 2_000), at },
            { id: turnEventId("brain-failed", conversationId, turn.watermark) },
          ),
        ]
      : []),
  ];
}

export async function announceTurn(step: AgentStep, turn: Turn, outcome: TurnOutcome): Promise<void> {
  const announcements = turnAnnouncements(turn, outcome);
  if (announcements.length > 0) await step.sendEvent("announce", announcements);
}

/** The promotions were offered (the list went out, or the conversation entered promos without one). */
export async function announcePromos(
  step: AgentStep,
  turn: Turn,
  offer: { packIds: string[]; offeredAt: string; episode: number },
): Promise<void> {
  await step.sendEvent(
    "announce-promos",
    agentPromosOffered.create(
      { ...scopeOf(turn), packIds: offer.packIds, offeredAt: offer.offeredAt },
      { id: promosOfferedEventId(turn.conversation.id, offer.episode) },
    ),
  );
}
