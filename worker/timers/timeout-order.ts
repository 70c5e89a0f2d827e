// The order the promos timer places when the window runs out: the customer's unconfirmed selection,
// or the default pack for a customer who never answered the promos (nothing for one who answered
// without a selection: they turned it down or are still deciding). Exactly once: it is made only by the run that moves the conversation out of
// its promos episode (conditional setMode promos → awaiting_approval), and a conversation has at
// most one open order (unique index), so a retried step or a racing agent run cannot make a second.
import type { Product } from "../../shared/domain/catalog.js";
import type { Currency } from "../../shared/domain/money.js";
import type { OrderSelectionLine, PricedLine } from "../../shared/domain/pricing.js";
import type { TimerDb } from "./watch.js";

/** The default pack: the 1-unit pack of the first active product (option 1 of the promos list). */
export function defaultSelection(products: readonly Product[]): OrderSelectionLine[] | null {
  for (const product of products) {
    const single = product.packs.find((p) => p.units === 1) ?? product.packs[0];
    if (single) return [{ sku: product.sku, pack: single.code, qty: 1 }];
  }
  return null;
}

/** This run moved the conversation promos → awaiting_approval: the episode and time of that move. */
export interface TimeoutMove {
  contactId: string;
  episode: number;
  modeChangedAt: string;
}

/** The order this run placed. JSON-safe: it is a step's memoized output. */
export interface PlacedTimeoutOrder {
  ok: true;
  orderId: string;
  contactId: string;
  currency: Currency;
  totalMinor: number;
  lines: PricedLine[];
  createdAt: string;
  /** The episode of the move to awaiting_approval, and when it happened. */
  episode: number;
  modeChangedAt: string;
  basis: "selection" | "default";
}

export type TimeoutOrder =
  | { ok: false; reason: "gone" | "mode-changed" | "no-default-pack" | "refused" | "declined" }
  /** The agent registered the customer's own order first; the move to awaiting_approval was ours. */
  | { ok: false; reason: "already-ordered"; moved: TimeoutMove }
  | PlacedTimeoutOrder;

/**
 * Moves the conversation from this promos episode to awaiting_approval and creates the order.
 * Safe to run again after a crash: the move and the open order are found and reused.
 */
export async function placeTimeoutOrder(
  db: TimerDb,
  conversationId: string,
  episode: number,
): Promise<TimeoutOrder> {
  let conversation = await db.conversations.getById(conversationId);
  if (!conversation) return { ok: false, reason: "gone" };
  const draft = conversation.orderDraft?.lines;
  const ours = conversation.mode === "awaiting_approval" && conversation.episode === episode + 1;
  // The default pack is only for a customer who never answered the promos: one who wrote back and
  // holds no selection (they turned it down, or asked about something else) gets nothing ordered.
  const answered =
    conversation.lastInboundAt !== undefined &&
    conversation.lastInboundAt.getTime() > conversation.modeChangedAt.getTime();
  if (!ours && !(draft && draft.length > 0) && answered) return { ok: false, reason: "declined" };
  const lines = draft && draft.length > 0 ? draft : defaultSelection(await db.catalog.listActive());
  if (!lines) return { ok: false, reason: "no-default-pack" };

  if (!ours) {
    if (conversation.mode !== "promos" || conversation.episode !== episode) {
      return { ok: false, reason: "mode-changed" };
    }
    const moved = await db.conversations.setMode(conversationId, "promos", "awaiting_approval", {
      expectedEpisode: episode,
    });
    if (!moved.ok) return { ok: false, reason: "mode-changed" };
    conversation = moved.conversation;
  }

  const result = await db.orders.createFromConversation({ conversationId, lines, source: "promos-timeout" });
  if (result.status === "rejected") {
    // Nothing was ordered: give the conversation back to promos, unless someone moved it since.
    await undoMoveIfStillLatest(db, conversationId, conversation.episode);
    return { ok: false, reason: "refused" };
  }
  // The customer confirmed at the same moment and the agent ordered first: that order stands. The
  // agent's own move then lost to ours, so the mode change is ours to announce.
  if (result.order.source !== "promos-timeout") {
    return {
      ok: false,
      reason: "already-ordered",
      moved: {
        contactId: conversation.contactId,
        episode: conversation.episode,
        modeChangedAt: conversation.modeChangedAt.toISOString(),
      },
    };
  }
  await db.conversations.setOrderDraft(conversationId, null);
  return {
    ok: true,
    orderId: result.order._id,
    contactId: result.order.contactId,
    currency: result.order.currency,
    totalMinor: result.order.totalMinor,
    lines: result.order.lines,
    createdAt: result.order.createdAt.toISOString(),
    episode: conversation.episode,
    modeChangedAt: conversation.modeChangedAt.toISOString(),
    basis: draft && draft.length > 0 ? "selection" : "default",
  };
}

/**
 * awaiting_approval → promos, only while our move (episode `movedEpisode`) is still the latest mode
 * change: a person or the agent who moved the conversation since is never undone.
 */
async function undoMoveIfStillLatest(db: TimerDb, conversationId: string, movedEpisode: number) {
  // One conditional write on mode and episode: a change landing since our move makes it a no-op.
  const undone = await db.conversations.setMode(conversationId, "awaiting_approval", "promos", {
    expectedEpisode: movedEpisode,
  });
  return undone.ok;
}
