// The loop both timers share: wait until the customer of one conversation has been silent long
// enough, within business hours, while the conversation stays in the watched mode and episode.
//
// - MongoDB decides, before waiting and after every wait that ends in silence (`silence.ts`, pure):
//   silence is counted from the customer's last message, so a message the wait missed (written just
//   before it began) still counts. A reply starts the silence over: the next round waits all of it
//   without a read (the read comes when that wait ends; a mode change meanwhile is seen then).
// - Each round is a wait (ended early by the customer's next message) and, when it times out, a
//   check; outside business hours the round sleeps until the next opening and checks again. Step
//   ids carry the round number, counted across the whole run, so a replay meets the same ids.
import type { GetStepTools } from "inngest";
import { clock } from "../../shared/clock.js";
import type { ConversationMode } from "../../shared/domain/conversation.js";
import type { BusinessSchedule } from "../../shared/domain/business-hours.js";
import { whatsappMessageReceived } from "../../shared/events.js";
import type { InngestClient } from "../../shared/inngest.js";
import {
  decideAfterWait,
  type SilenceAction,
  type SilenceRules,
  type WatchedConversation,
} from "./silence.js";

/** Rounds of wait + check; each reply or nudge starts one. Bounds the run's steps (Inngest: 1000). */
export const MAX_TIMER_ROUNDS = 100;

export type TimerStep = GetStepTools<InngestClient>;

export interface Watch {
  conversationId: string;
  mode: ConversationMode;
  silenceMs: number;
  schedule: BusinessSchedule;
  /** The conversation as the timer sees it, read from MongoDB (inside a step). */
  read: () => Promise<WatchedConversation | null>;
}

/**
 * The first check, before any wait: the rules of this watch (the episode it belongs to, silence
 * counted from now at least), or null when there is nothing to watch (gone, another mode, done).
 */
export async function beginWatch(step: TimerStep, watch: Watch): Promise<SilenceRules | null> {
  const start = await step.run("check-before-waiting", async () => ({
    conversation: await watch.read(),
    nowMs: clock.nowMs(),
  }));
  const c = start.conversation;
  if (!c || c.mode !== watch.mode || c.done) return null;
  return {
    mode: watch.mode,
    episode: c.episode,
    silenceMs: watch.silenceMs,
    watchingSinceMs: start.nowMs,
    schedule: watch.schedule,
  };
}

export type Silence =
  | { kind: "act"; round: number }
  | Extract<SilenceAction, { kind: "stop" }>
  /** MAX_TIMER_ROUNDS reached without acting. */
  | { kind: "gave-up" };

/**
 * Rounds from `from.round` on (the first waiting `from.waitMs`) until the silence calls for the
 * timer to act, the watch stops, or the rounds run out.
 */
export async function waitForSilence(
  step: TimerStep,
  watch: Watch,
  rules: SilenceRules,
  from: { round: number; waitMs: number },
): Promise<Silence> {
  let waitMs = from.waitMs;
  for (let round = from.round; round <= MAX_TIMER_ROUNDS; round += 1) {
    if (waitMs > 0) {
      // Ends early when the customer writes.
      const reply = await step.waitForEvent(`wait-for-customer-${round}`, {
        event: whatsappMessageReceived,
        match: "data.conversationId",
        // Milliseconds, not a string: the SDK reads strings with `ms`, which gets "9m59s" wrong.
        timeout: waitMs,
      });
      // The customer just wrote: the silence starts over, so the next round waits all of it. MongoDB
      // is read when a wait ends in silence (below), and counts from the last message it holds.
      if (reply) {
        waitMs = watch.silenceMs;
        continue;
      }
    }
    const action = await step.run(`check-${round}`, async () =>
      decideAfterWait(await watch.read(), clock.nowMs(), rules),
    );
    if (action.kind === "stop") return action;
    if (action.kind === "act") return { kind: "act", round };
    if (action.kind === "wait") {
      waitMs = action.ms;
    } else {
      await step.sleepUntil(`quiet-hours-${round}`, new Date(action.atMs));
      waitMs = 0;
    }
  }
  return { kind: "gave-up" };
}
