// Data-collection timer (seed 000): when a conversation enters `collecting_data`, wait for the
// customer; after `timers.dataCollectionTimeoutMs` of silence (default 6 minutes) ask once for the
// fields still missing, at most `timers.dataCollectionMaxNudges` times in the episode.
//
// - The conversation's episode (+1 on every mode change) ties the timer to one stay in
//   collecting_data: any later mode change cancels it (cancelOn), and a stale run does nothing.
// - MongoDB decides, before waiting and after every wait: silence is counted from the customer's last
//   message, so a message the wait missed (written just before it began) still counts; a reply
//   starts the silence over; complete data or another mode ends the timer.
// - The nudge is a `whatsapp/message.send-requested` (throttled, opt-out aware proactive sender) with
//   a dedupe key per conversation + episode + nudge number: a retry never sends twice.
// - Outside business hours the nudge sleeps until the next opening and checks again first.
import { clock } from "../../shared/clock.js";
import type { Config } from "../../shared/config.js";
import { missingFields } from "../../shared/domain/conversation.js";
import {
  agentModeChanged,
  whatsappMessageReceived,
  whatsappMessageSendRequested,
} from "../../shared/events.js";
import { accountCondition, type InngestClient } from "../../shared/inngest.js";
import { nudgeDedupeKey, sendRequestedEventId } from "../keys.js";
import { decideAfterWait, type SilenceRules } from "./silence.js";
import { dataCollectionNudge } from "../texts/index.js";
import { customerLanguage, dataComplete, scheduleOf, watched, type TimerDb } from "./watch.js";

export const DATA_COLLECTION_TIMER_ID = "data-collection-timer";

/** Rounds of wait + check; each reply or nudge starts one. Bounds the run's steps (Inngest: 1000). */
export const MAX_TIMER_ROUNDS = 100;

export interface TimerDeps {
  config: Config;
  inngest: InngestClient;
  db: TimerDb;
}

type NudgePrepared =
  { ok: false } | { ok: true; count: number; atMs: number; to: string; text: string; dedupeKey: string };

export function createDataCollectionTimer(deps: TimerDeps) {
  const { config, db } = deps;
  const accountId = config.whatsapp.accountId;
  const timeoutMs = config.timers.dataCollectionTimeoutMs;
  const maxNudges = config.timers.dataCollectionMaxNudges;
  const schedule = scheduleOf(config);

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
      const start = await step.run("check-before-waiting", async () => ({
        conversation: watched(await db.conversations.getById(conversationId), dataComplete),
        nowMs: clock.nowMs(),
      }));
      const c = start.conversation;
      if (!c || c.mode !== "collecting_data" || c.done || maxNudges === 0) {
        return { outcome: "nothing-to-do", nudges: 0 };
      }
      const rules: SilenceRules = {
        mode: "collecting_data",
        episode: c.episode,
        silenceMs: timeoutMs,
        watchingSinceMs: start.nowMs,
        schedule,
      };

      let waitMs = timeoutMs;
      let nudges = 0;
      for (let round = 1; round <= MAX_TIMER_ROUNDS; round += 1) {
        if (waitMs > 0) {
          // Ends early when the customer writes; MongoDB then says whether to keep waiting.
          await step.waitForEvent(`wait-for-customer-${round}`, {
            event: whatsappMessageReceived,
            match: "data.conversationId",
            // Milliseconds, not a string: the SDK reads strings with `ms`, which gets "9m59s" wrong.
            timeout: waitMs,
          });
        }
        const action = await step.run(`check-${round}`, async () =>
          decideAfterWait(
            watched(await db.conversations.getById(conversationId), dataComplete),
            clock.nowMs(),
            rules,
          ),
        );
        if (action.kind === "stop") return { outcome: action.reason, nudges };
        if (action.kind === "wait") {
          waitMs = action.ms;
          continue;
        }
        if (action.kind === "sleep-until") {
          await step.sleepUntil(`quiet-hours-${round}`, new Date(action.atMs));
          waitMs = 0;
          continue;
        }

        const nudge = await step.run(`nudge-${round}`, async (): Promise<NudgePrepared> => {
          // Counts nudge number nudges + 1 (a set, not an increment): a retried step counts it once.
          const counted = await db.conversations.recordNudge(
            conversationId,
            "data_collection",
            maxNudges,
            nudges + 1,
          );
          const conversation = await db.conversations.getById(conversationId);
          if (!counted.ok || !conversation) return { ok: false };
          const language = await customerLanguage(db, conversationId);
          return {
            ok: true,
            count: counted.count,
            atMs: clock.nowMs(),
            to: conversation.phone,
            text: dataCollectionNudge(missingFields(conversation.collected), language),
            dedupeKey: nudgeDedupeKey(conversationId, "data_collection", rules.episode, counted.count),
          };
        });
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
        waitMs = timeoutMs;
      }
      return { outcome: "gave-up", nudges };
    },
  );
}
