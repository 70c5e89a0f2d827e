// The one way the product writes first on WhatsApp (nudges, automations, order notifications):
// `whatsapp/message.send-requested` → this function, which takes only its own account's events,
// waits for business hours (config business.*; not for replies to a customer who just wrote),
// retries while WhatsApp is not ready, drops (and audits) sends to opted-out contacts, and sends
// through sendOnce so a retried step never sends twice.
//
// The per-recipient and per-account limits (WHATSAPP_PROACTIVE_PER_MINUTE, WHATSAPP_ACCOUNT_PER_MINUTE)
// hold at the moment of sending: the send step takes a slot from the send budget (MongoDB, atomic)
// right before it sends, on every attempt; without a free slot the run sleeps until the next one.
// So runs that all slept until the opening, or retried through an outage, still go out paced. The
// Inngest throttle on run starts stays as a first, cheaper line.
import { NonRetriableError } from "inngest";
import { clock } from "../../shared/clock.js";
import type { Config } from "../../shared/config/index.js";
import { whatsappMessageSendRequested, whatsappMessageSent } from "../../shared/events.js";
import { accountCondition, type InngestClient } from "../../shared/inngest.js";
import { nextOpening, type BusinessSchedule } from "../../shared/domain/business-hours.js";
import type { DbHandle } from "../../shared/db/index.js";
import { SendBudget } from "./send-budget.js";
import { originForReason, waitsForBusinessHours } from "./origin.js";
import { sendOnce, type SendOnceDeps, type SendOnceResult } from "./send-once.js";
import { toStepError } from "./step-errors.js";

export const PROACTIVE_SEND_FUNCTION_ID = "send-proactive-message";

export interface ProactiveSendDeps extends SendOnceDeps {
  inngest: InngestClient;
  config: Pick<Config, "whatsapp" | "business">;
  db: SendOnceDeps["db"] & Pick<DbHandle, "db">;
}

/** A run waits for a send slot at most this many times (each wait is until the next free slot). */
const MAX_SLOT_WAITS = 200;

/** Event id of the "sent" announcement: one per outbound message. */
export function sentEventId(accountId: string, dedupeKey: string): string {
  return `wa-out:${accountId}:${dedupeKey}`;
}

/** What a send request carries (the event's data). */
interface SendRequest {
  accountId: string;
  conversationId: string;
  to: string;
  text: string;
  dedupeKey: string;
  reason: string;
}

/**
 * One attempt of the send step: a slot from the budget now, then the send; or when the next slot
 * frees up. The time is read here, inside the step, so replays announce the same time.
 */
async function sendWithSlot(
  deps: ProactiveSendDeps,
  budget: SendBudget,
  request: SendRequest,
  attempt: number,
) {
  const slot = await budget.take(request.accountId, request.to, request.dedupeKey, clock.nowMs());
  if (!slot.ok) return { waitUntilMs: slot.retryAtMs } as const;
  try {
    const outcome: SendOnceResult = await sendOnce(deps, {
      accountId: request.accountId,
      conversationId: request.conversationId,
      to: request.to,
      text: request.text,
      dedupeKey: request.dedupeKey,
      origin: originForReason(request.reason),
      reason: request.reason,
    });
    return { result: outcome, sentAt: clock.now().toISOString() } as const;
  } catch (error) {
    throw toStepError(error, attempt);
  }
}

export function createProactiveSendFunction(deps: ProactiveSendDeps) {
  const { accountId, proactivePerMinute, accountPerMinute } = deps.config.whatsapp;
  const budget = new SendBudget(deps.db.db, {
    perRecipient: proactivePerMinute,
    perAccount: accountPerMinute,
    periodMs: 60_000,
  });
  const { timezone, hours, days } = deps.config.business;
  const schedule: BusinessSchedule = { timezone, hours, days };
  return deps.inngest.createFunction(
    {
      id: PROACTIVE_SEND_FUNCTION_ID,
      name: "Send a proactive WhatsApp message",
      triggers: [{ event: whatsappMessageSendRequested, if: accountCondition(accountId) }],
      // Per recipient (the function belongs to one account's app, so this is per account + recipient).
      throttle: { key: "event.data.to", limit: proactivePerMinute, period: "1m" },
      retries: 20,
    },
    async ({ event, step, attempt }) => {
      const request = event.data;
      if (waitsForBusinessHours(request.reason)) {
        // Read "now" in a step (memoized): the same answer on every replay of this run.
        const opensAtMs = await step.run("check-business-hours", () => {
          const now = clock.now();
          const opens = nextOpening(now, schedule);
          return opens.getTime() > now.getTime() ? opens.getTime() : null;
        });
        if (opensAtMs !== null) await step.sleepUntil("wait-for-business-hours", new Date(opensAtMs));
      }
      const send = () => sendWithSlot(deps, budget, request, attempt);
      let sent = await step.run("send", send);
      for (let wait = 1; "waitUntilMs" in sent; wait += 1) {
        if (wait > MAX_SLOT_WAITS) throw new NonRetriableError("no send slot after every wait");
        await step.sleepUntil(`wait-for-send-slot-${wait}`, new Date(sent.waitUntilMs));
        sent = await step.run(`send-${wait}`, send);
      }
      const { result, sentAt } = sent;

      if (result.status === "sent") {
        await step.sendEvent(
          "announce-sent",
          whatsappMessageSent.create(
            {
              accountId: request.accountId,
              conversationId: request.conversationId,
              messageId: result.waMessageId,
              dedupeKey: request.dedupeKey,
              sentAt,
            },
            { id: sentEventId(request.accountId, request.dedupeKey) },
          ),
        );
      }
      return result;
    },
  );
}
