// Data-collection timer: when a conversation enters `collecting_data`, wait for the customer; after
// `timers.dataCollectionTimeoutMs` of silence (default 6 minutes) ask once for the fields still
// missing. A customer gets at most `timers.dataCollectionMaxNudges` of these a day (the business's
// local day, daily-nudges.ts), however many times the conversation enters collecting_data.
//
// - The conversation's episode (+1 on every mode change) ties the timer to one stay in
//   collecting_data: any later mode change cancels it (cancelOn), and a stale run does nothing.
// - The silence is watched by the loop both timers share (wait-for-silence.ts): a reply starts the
//   silence over; complete data or another mode ends the timer.
// - The nudge is a `whatsapp/message.send-requested` (throttled, opt-out aware proactive sender) with
//   a dedupe key per conversation + episode + nudge number: a retry never sends twice.
import { clock } from "../../shared/clock.js";
import { localDay } from "../../shared/domain/business-hours.js";
import { missingFields } from "../../shared/domain/conversation.js";
import { agentModeChanged, whatsappMessageSendRequested } from "../../shared/events.js";
import { accountCondition } from "../../shared/inngest.js";
import { nudgeDedupeKey, sendRequestedEventId } from "../keys.js";
import { dataCollectionNudge } from "../texts/index.js";
import { DailyNudges } from "./daily-nudges.js";
import { beginWatch, waitForSilence, type Watch } from "./wait-for-silence.js";
import {
  customerLanguage,
  dataComplete,
  scheduleOf,
  watched,
  type TimerDb,
  type TimerDeps,
} from "./watch.js";

export const DATA_COLLECTION_TIMER_ID = "data-collection-timer";

type NudgePrepared =
  { ok: false } | { ok: true; count: number; atMs: number; to: string; text: string; dedupeKey: string };

/**
 * Counts nudge number `n` of the episode (a set, not an increment: a retried step counts it once)
 * and of the day, and writes it; or { ok: false } once the day's nudges are used up.
 */
async function prepareNudge(
  deps: { db: TimerDb; daily: DailyNudges; timezone: string },
  conversationId: string,
  episode: number,
  n: number,
  maxNudges: number,
): Promise<NudgePrepared> {
  const { db, daily, timezone } = deps;
  const key = nudgeDedupeKey(conversationId, "data_collection", episode, n);
  const now = clock.now();
  const today = localDay(now, timezone);
  if (!(await daily.count(conversationId, "data_collection", today, key, maxNudges, now.getTime()))) {
    return { ok: false };
  }
  const counted = await db.conversations.recordNudge(conversationId, "data_collection", maxNudges, n);
  const conversation = await db.conversations.getById(conversationId);
  if (!counted.ok || !conversation) return { ok: false };
  const language = await customerLanguage(db, conversationId);
  return {
    ok: true,
    count: counted.count,
    atMs: now.getTime(),
    to: conversation.phone,
    text: dataCollectionNudge(missingFields(conversation.collected), language),
    dedupeKey: key,
  };
}

export function createDataCollectionTimer(deps: TimerDeps) {
  const { config, db } = deps;
  const accountId = config.whatsapp.accountId;
  const timeoutMs = config.timers.dataCollectionTimeoutMs;
  const maxNudges = config.timers.dataCollectionMaxNudges;
  const schedule = scheduleOf(config);
  const timezone = config.business.timezone;
  const daily = new DailyNudges(db.db);

  return deps.inngest.createFunction(
    {
      id: DATA_COLLECTION_TIMER_ID,
      name: "Nudge a customer who stopped giving their data",
      triggers: [
        {
          event: agentModeChanged,
          if: `${accountCondition(accountId)} && event.data.to == 'collecting_data'`,
        },
      ],
      // Any later mode change of the conversation ends this episode's timer.
      cancelOn: [{ event: agentModeChanged, match: "data.conversationId" }],
    },
    async ({ event, step }) => {
      const conversationId = event.data.conversationId;
      const watch: Watch = {
        conversationId,
        mode: "collecting_data",
        silenceMs: timeoutMs,
        schedule,
        read: async () => watched(await db.conversations.getById(conversationId), dataComplete),
      };
      const rules = await beginWatch(step, watch);
      if (!rules || maxNudges === 0) return { outcome: "nothing-to-do", nudges: 0 };

      let nudges = 0;
      let next = { round: 1, waitMs: timeoutMs };
      for (;;) {
        const silence = await waitForSilence(step, watch, rules, next);
        if (silence.kind === "stop") return { outcome: silence.reason, nudges };
        if (silence.kind === "gave-up") return { outcome: "gave-up", nudges };
        const { round } = silence;

        const nudge = await step.run(`nudge-${round}`, () =>
          prepareNudge({ db, daily, timezone }, conversationId, rules.episode, nudges + 1, maxNudges),
        );
        if (!nudge.ok) return { outcome: "max-nudges", nudges };
        await step.sendEvent(
          `request-nudge-${round}`,
          whatsappMessageSendRequested.create(
            {
              accountId,
              conversationId,
              to: nudge.to,
              text: nudge.text,
              dedupeKey: nudge.dedupeKey,
              reason: "data-collection-nudge",
            },
            { id: sendRequestedEventId(accountId, nudge.dedupeKey) },
          ),
        );
        nudges = nudge.count;
        if (nudge.count >= maxNudges) return { outcome: "max-nudges", nudges };
        // The next nudge needs another full silence after this one.
        rules.watchingSinceMs = nudge.atMs;
        next = { round: round + 1, waitMs: timeoutMs };
      }
    },
  );
}
