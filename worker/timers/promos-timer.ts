// Promos timer: when promotions are offered, wait for the customer; after `timers.promosTimeoutMs`
// of silence (default 10 minutes) order the customer's unconfirmed selection, or the default pack
// (1x of the first product, option 1 of the list), tell them, and send the order to approval like
// any other (`order/created`, source "promos-timeout").
//
// - The silence is watched by the loop both timers share (wait-for-silence.ts); a newer promos offer
//   for the conversation replaces this run (singleton, cancel).
// - The order is placed exactly once (timeout-order.ts); outside business hours nothing happens
//   until the next opening (the order comes with a message).
import {
  agentModeChanged,
  agentPromosOffered,
  orderCreated,
  orderCreatedEventId,
  whatsappMessageSendRequested,
} from "../../shared/events.js";
import { accountCondition } from "../../shared/inngest.js";
import { modeChangedEventId, promosTimeoutDedupeKey, sendRequestedEventId } from "../keys.js";
import { timeoutOrderPlaced } from "../texts/index.js";
import { placeTimeoutOrder, type PlacedTimeoutOrder, type TimeoutMove } from "./timeout-order.js";
import { beginWatch, waitForSilence, type Watch } from "./wait-for-silence.js";
import { customerLanguage, scheduleOf, watched, type TimerDb, type TimerDeps } from "./watch.js";

export const PROMOS_TIMER_ID = "promos-timer";

interface Scope {
  accountId: string;
  conversationId: string;
}

/** The agent's order stood, but the move to awaiting_approval was this run's: it announces the move. */
function movedAnnouncement({ accountId, conversationId }: Scope, moved: TimeoutMove) {
  return agentModeChanged.create(
    {
      accountId,
      conversationId,
      contactId: moved.contactId,
      from: "promos",
      to: "awaiting_approval",
      at: moved.modeChangedAt,
    },
    { id: modeChangedEventId(conversationId, moved.episode) },
  );
}

/** The message telling the customer what was ordered (null when the conversation is gone). */
async function composeNotice(db: TimerDb, conversationId: string, order: PlacedTimeoutOrder) {
  const conversation = await db.conversations.getById(conversationId);
  const language = await customerLanguage(db, conversationId);
  const text = timeoutOrderPlaced(
    { currency: order.currency, lines: order.lines, totalMinor: order.totalMinor },
    language,
    order.basis,
  );
  return conversation ? { to: conversation.phone, text } : null;
}

/** The notice to send, the move to awaiting_approval and the new order, each under its idempotent id. */
function orderAnnouncements(
  { accountId, conversationId }: Scope,
  episode: number,
  order: PlacedTimeoutOrder,
  notice: { to: string; text: string } | null,
) {
  const scope = { accountId, conversationId, contactId: order.contactId };
  const dedupeKey = promosTimeoutDedupeKey(conversationId, episode);
  return [
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
  ];
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
      const scope = { accountId, conversationId };
      const watch: Watch = {
        conversationId,
        mode: "promos",
        silenceMs: timeoutMs,
        schedule,
        read: async () => watched(await db.conversations.getById(conversationId)),
      };
      const rules = await beginWatch(step, watch);
      if (!rules) return { outcome: "nothing-to-do" };
      const silence = await waitForSilence(step, watch, rules, { round: 1, waitMs: timeoutMs });
      if (silence.kind === "stop") return { outcome: silence.reason };
      if (silence.kind === "gave-up") return { outcome: "gave-up" };

      const order = await step.run("order-default-pack", () =>
        placeTimeoutOrder(db, conversationId, rules.episode),
      );
      if (!order.ok) {
        if (order.reason === "already-ordered") {
          await step.sendEvent("announce-mode", movedAnnouncement(scope, order.moved));
        }
        return { outcome: order.reason };
      }
      const notice = await step.run("compose-notice", () => composeNotice(db, conversationId, order));
      await step.sendEvent("announce-order", orderAnnouncements(scope, rules.episode, order, notice));
      return { outcome: "ordered", orderId: order.orderId };
    },
  );
}
