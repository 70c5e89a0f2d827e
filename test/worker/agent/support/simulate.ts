// Runs brain turns against an in-memory conversation, applying each plan the way the agent function
// does (save fields, draft, order, mode changes, replies, promos). For tests and the bench.
import type { CollectedFields, ConversationMode } from "../../../../shared/domain/conversation.js";
import { defaultCatalogSeed } from "../../../../shared/db/catalog.js";
import type { OrderSelectionLine } from "../../../../shared/domain/pricing.js";
import type { AgentPlan, PricedSelection } from "../../../../worker/agent/turn/plan-decision.js";
import { planDecision } from "../../../../worker/agent/turn/plan-decision.js";
import type { CatalogOffer } from "../../../../worker/agent/brain/catalog-offer.js";
import { buildCatalogOffer } from "../../../../worker/agent/brain/catalog-offer.js";
import type {
  Brain,
  BrainContext,
  BrainDecision,
  ChatMessage,
} from "../../../../worker/agent/brain/types.js";

export interface SimConversation {
  mode: ConversationMode;
  collected: Partial<CollectedFields>;
  orderDraft: OrderSelectionLine[] | null;
  orders: PricedSelection[];
  history: ChatMessage[];
  /** The number the customer writes from (E.164), as the agent's load-state step passes it. */
  whatsappPhone?: string;
}

export function newConversation(whatsappPhone?: string): SimConversation {
  return {
    mode: "greeting",
    collected: {},
    orderDraft: null,
    orders: [],
    history: [],
    ...(whatsappPhone ? { whatsappPhone } : {}),
  };
}

export const seedOffer = (): CatalogOffer => buildCatalogOffer(defaultCatalogSeed());

export interface TurnResult {
  context: BrainContext;
  decision: BrainDecision;
  plan: AgentPlan;
  /** Everything sent to the customer this turn, in order. */
  sent: string[];
}

export async function turn(
  conversation: SimConversation,
  brain: Brain,
  texts: string[],
  catalog: CatalogOffer = seedOffer(),
): Promise<TurnResult> {
  const newMessages = texts.map((text) => ({ direction: "in" as const, text }));
  const phone = conversation.whatsappPhone;
  const defaulted = phone !== undefined && !conversation.collected.phone;
  const context: BrainContext = {
    mode: conversation.mode,
    collected: { ...conversation.collected, ...(defaulted ? { phone } : {}) },
    ...(defaulted ? { defaultedPhone: phone } : {}),
    orderDraft: conversation.orderDraft,
    catalog,
    history: [...conversation.history],
    newMessages,
  };
  const decision = await brain.decide(context);
  const plan = planDecision({ context, decision, defaultCountryCode: "52" });
  const sent = plan.replies.map((r) => r.text);
  if (!plan.silent) {
    Object.assign(conversation.collected, plan.saveFields);
    if (plan.orderDraft !== undefined) conversation.orderDraft = plan.orderDraft?.lines ?? null;
    if (plan.createOrder) conversation.orders.push(plan.createOrder);
    const lastMode = plan.transitions.at(-1)?.to;
    if (lastMode) conversation.mode = lastMode;
    if (plan.promos?.text) sent.push(plan.promos.text);
  }
  conversation.history.push(...newMessages, ...sent.map((text) => ({ direction: "out" as const, text })));
  return { context, decision, plan, sent };
}
