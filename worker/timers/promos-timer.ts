// Promos timer (seed 000): when promotions are offered, wait for the customer; after
// `timers.promosTimeoutMs` of silence (default 10 minutes) order the customer's unconfirmed selection,
// or the default pack (1x of the first product, option 1 of the list), tell them, and send the
// order to approval like any other (`order/created`, source "promos-timeout").
//
// - Exactly once: the order is made only by the run that moves the conversation out of this promos
//   episode (conditional setMode promos → awaiting_approval), and a conversation has at most one
//   open order (unique index), so a retried step or a racing agent run cannot make a second one.
// - MongoDB decides before waiting and after every wait, as in the data-collection timer; a newer
//   promos offer for the conversation replaces this run (singleton, cancel).
// - Outside business hours nothing happens until the next opening (the order comes with a message).
import { clock } from "../../shared/clock.js";
import type { Product } from "../../shared/domain/catalog.js";
import type { Currency } from "../../shared/domain/money.js";
import type { OrderSelectionLine, PricedLine } from "../../shared/domain/pricing.js";
import {
  agentModeChanged,
  agentPromosOffered,
  orderCreated,
  orderCreatedEventId,
  whatsappMessageReceived,
  whatsappMessageSendRequested,
} from "../../shared/events.js";
import { accountCondition } from "../../shared/inngest.js";
import { modeChangedEventId, promosTimeoutDedupeKey, sendRequestedEventId } from "../keys.js";
import type { TimerDeps } from "./data-collection-timer.js";
import { MAX_TIMER_ROUNDS } from "./data-collection-timer.js";
import { decideAfterWait, type SilenceRules } from "./silence.js";
import { timeoutOrderPlaced } from "../texts/index.js";
import { customerLanguage, scheduleOf, watched, type TimerDb } from "./watch.js";

export const PROMOS_TIMER_ID = "promos-timer";

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

export type TimeoutOrder =
  | { ok: false; reason: "gone" | "mode-changed" | "no-default-pack" | "refused" }
  /** The agent registered the customer's own order first; the move to awaiting_approval was ours. */
  | { ok: false; reason: "already-ordered"; moved: TimeoutMove }
  | {
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
    };

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
  const lines = draft && draft.length > 0 ? draft : defaultSelection(await db.catalog.listActive());
  if (!lines) return { ok: false, reason: "no-default-pack" };

  const ours = conversation.mode === "awaiting_approval" && conversation.episode === episode + 1;
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

export function createPromosTimer(deps: TimerDeps) {
  const { config, db } = deps;
  const accountId = config.whatsapp.accountId;
  const timeoutMs = config.timers.promosTimeoutMs;
  const schedule = scheduleOf(config);

  return deps.inngest.createFunction(
    {
      id: PROMOS_TIMER_ID,
      name: "Order the default pack when the customer goes quiet after the promos",
      triggers: [{ event: agentPromosOffered, if: accountCondition(accountId) }],
      singleton: { key: "event.data.conversationId", mode: "cancel" },
    },
    async ({ event, step }) => {
      const conversationId = event.data.conversationId;
      const start = await step.run("check-before-waiting", async () => ({
        conversation: watched(await db.conversations.getById(conversationId)),
        nowMs: clock.nowMs(),
      }));
      const c = start.conversation;
      if (!c || c.mode !== "promos") return { outcome: "nothing-to-do" };
      const rules: SilenceRules = {
        mode: "promos",
        episode: c.episode,
        silenceMs: timeoutMs,
        watchingSinceMs: start.nowMs,
        schedule,
      };

      let waitMs = timeoutMs;
      for (let round = 1; round <= MAX_TIMER_ROUNDS; round += 1) {
        if (waitMs > 0) {
          await step.waitForEvent(`wait-for-customer-${round}`, {
            event: whatsappMessageReceived,
            match: "data.conversationId",
            // Milliseconds, not a string: the SDK reads strings with `ms`, which gets "9m59s" wrong.
            timeout: waitMs,
          });
        }
        const action = await step.run(`check-${round}`, async () =>
          decideAfterWait(watched(await db.conversations.getById(conversationId)), clock.nowMs(), rules),
        );
        if (action.kind === "stop") return { outcome: action.reason };
        if (action.kind === "wait") {
          waitMs = action.ms;
          continue;
        }
        if (action.kind === "sleep-until") {
          await step.sleepUntil(`quiet-hours-${round}`, new Date(action.atMs));
          waitMs = 0;
          continue;
        }

        const order = await step.run("order-default-pack", () =>
          placeTimeoutOrder(db, conversationId, rules.episode),
        );
        if (!order.ok) {
          if (order.reason === "already-ordered") {
            // The agent's order stands and the agent told the customer; the mode change was ours.
            await step.sendEvent(
              "announce-mode",
              agentModeChanged.create(
                {
                  accountId,
                  conversationId,
                  contactId: order.moved.contactId,
                  from: "promos",
                  to: "awaiting_approval",
                  at: order.moved.modeChangedAt,
                },
                { id: modeChangedEventId(conversationId, order.moved.episode) },
              ),
            );
          }
          return { outcome: order.reason };
        }
        const notice = await step.run("compose-notice", async () => {
          const conversation = await db.conversations.getById(conversationId);
          const language = await customerLanguage(db, conversationId);
          const text = timeoutOrderPlaced(
            { currency: order.currency, lines: order.lines, totalMinor: order.totalMinor },
            language,
            order.basis,
          );
          return conversation ? { to: conversation.phone, text } : null;
        });
        const scope = { accountId, conversationId, contactId: order.contactId };
        const dedupeKey = promosTimeoutDedupeKey(conversationId, rules.episode);
        await step.sendEvent("announce-order", [
          ...(notice
            ? [
                whatsappMessageSendRequested.create(
                  { accountId, conversationId, ...notice, dedupeKey, reason: "promos-timeout" },
                  { id: sendRequestedEventId(accountId, dedupeKey) },
                ),
              ]
            : []),
          agentModeChanged.create(
            { ...scope, from: "promos", to: "awaiting_approval", at: order.modeChangedAt },
            { id: modeChangedEventId(conversationId, order.episode) },
          ),
          orderCreated.create(
            {
              ...scope,
              orderId: order.orderId,
              total: { amountMinor: order.totalMinor, currency: order.currency },
              source: "promos-timeout",
              createdAt: order.createdAt,
            },
            { id: orderCreatedEventId(order.orderId) },
          ),
        ]);
        return { outcome: "ordered", orderId: order.orderId };
      }
      return { outcome: "gave-up" };
    },
  );
}
