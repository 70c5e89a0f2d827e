// Applying a turn's plan to MongoDB, one step each: the customer's data and selection ("save-data"),
// the order ("create-order"), the watermark (with the replies, or "advance-watermark") and the mode
// ("change-mode").
// Each write is conditional or keyed, so a retried step changes nothing twice; whoever moved the
// conversation first (a timer, an opt-out, a person) wins.
import { clock } from "../../../shared/clock.js";
import type { ConversationMode } from "../../../shared/domain/conversation.js";
import type { OrderSource } from "../../../shared/db/index.js";
import type { AgentStep, Turn, TurnDeps } from "./context.js";
import { withExistingOrder, withoutOrder, type TurnPlan } from "./turn-plan.js";

export interface CreatedOrder {
  orderId: string;
  totalMinor: number;
  currency: string;
  createdAt: string;
  source: OrderSource;
}

export interface AppliedTransition {
  from: ConversationMode;
  to: ConversationMode;
  episode: number;
  at: string;
}

/** The silent modes (handoff, opted_out): the messages only move the watermark. */
export async function passSilently(
  step: AgentStep,
  deps: Pick<TurnDeps, "db">,
  conversationId: string,
  watermark: number,
) {
  await step.run("advance-watermark", () =>
    deps.db.conversations.advanceWatermark(conversationId, watermark),
  );
}

export async function saveData(
  step: AgentStep,
  deps: Pick<TurnDeps, "db">,
  turn: Turn,
  plan: TurnPlan,
): Promise<string[]> {
  const conversationId = turn.conversation.id;
  const saveFields = plan.saveFields;
  const draft = plan.orderDraft;
  if (Object.keys(saveFields).length === 0 && draft === undefined) return [];
  // The fields MongoDB accepted (the CRM's field.changed trigger announces each).
  return step.run("save-data", async () => {
    const saved =
      Object.keys(saveFields).length > 0
        ? await deps.db.conversations.saveCollected(conversationId, saveFields)
        : { accepted: [] as string[] };
    if (draft !== undefined) await deps.db.conversations.setOrderDraft(conversationId, draft?.lines ?? null);
    return [...saved.accepted];
  });
}

/**
 * Creates the planned order. The data layer may find one already open (the promos timer ordered
 * first): the customer is then told about that order, not the one the brain proposed; a refused
 * order is never announced as placed.
 */
export async function createOrder(
  step: AgentStep,
  deps: Pick<TurnDeps, "db" | "logger">,
  turn: Turn,
  plan: TurnPlan,
): Promise<{ plan: TurnPlan; order?: CreatedOrder }> {
  const conversationId = turn.conversation.id;
  const toCreate = plan.createOrder;
  if (!toCreate) return { plan };
  const created = await step.run("create-order", async () => {
    const result = await deps.db.orders.createFromConversation({
      conversationId,
      lines: toCreate.lines,
      source: "agent",
    });
    if (result.status === "rejected") {
      deps.logger.warn({ conversationId, reason: result.reason }, "order refused by the data layer");
      return { ok: false as const, reason: result.reason };
    }
    return {
      ok: true as const,
      /** Another order was already open (e.g. the promos timer ordered first): it stands. */
      existing: result.status === "existing",
      orderId: result.order._id,
      source: result.order.source,
      totalMinor: result.order.totalMinor,
      currency: result.order.currency,
      lines: result.order.lines,
      createdAt: result.order.createdAt.toISOString(),
    };
  });
  if (!created.ok) return { plan: withoutOrder(plan) };
  const standing = created.existing
    ? withExistingOrder(plan, {
        source: created.source,
        priced: { currency: created.currency, lines: created.lines, totalMinor: created.totalMinor },
      })
    : plan;
  return { plan: standing, order: created };
}

/**
 * Moves the watermark past the turn's messages (a run starting later never answers them again) and
 * reads the time of the turn's announcements once (inside a step: outside one it would change on
 * replay). Usually part of the step that sends the replies (turn/reply.ts).
 */
export async function moveWatermark(
  deps: Pick<TurnDeps, "db" | "logger">,
  turn: Turn,
  plan: TurnPlan,
): Promise<{ at: string }> {
  const conversationId = turn.conversation.id;
  // Logged once (inside a step), PII-free: codes, field and tool names only.
  if (plan.problems.length > 0) {
    deps.logger.info({ conversationId, problems: plan.problems }, "brain proposals adjusted");
  }
  await deps.db.conversations.advanceWatermark(conversationId, turn.watermark);
  return { at: clock.now().toISOString() };
}

/** The watermark in a step of its own: a turn with no replies, or whose replies were handed off. */
export async function advanceWatermark(
  step: AgentStep,
  deps: Pick<TurnDeps, "db" | "logger">,
  turn: Turn,
  plan: TurnPlan,
): Promise<{ at: string }> {
  return step.run("advance-watermark", () => moveWatermark(deps, turn, plan));
}

/** Makes the planned mode changes in order, stopping at the first that someone else pre-empted. */
export async function changeMode(
  step: AgentStep,
  deps: Pick<TurnDeps, "db" | "logger">,
  turn: Turn,
  plan: TurnPlan,
): Promise<AppliedTransition[]> {
  const conversationId = turn.conversation.id;
  const transitions = plan.transitions;
  if (transitions.length === 0) return [];
  return step.run("change-mode", async () => {
    const done: AppliedTransition[] = [];
    for (const t of transitions) {
      const result = await deps.db.conversations.setMode(conversationId, t.from, t.to);
      if (!result.ok) {
        // Someone else (a timer, an opt-out, a person) moved it first: they win.
        deps.logger.info(
          { conversationId, from: t.from, to: t.to, reason: result.reason },
          "mode change skipped",
        );
        break;
      }
      done.push({
        from: t.from,
        to: t.to,
        episode: result.conversation.episode,
        at: result.conversation.modeChangedAt.toISOString(),
      });
    }
    return done;
  });
}
