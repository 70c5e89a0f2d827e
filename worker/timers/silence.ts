// What a timer does after a wait ends (the customer wrote, or the wait timed out). Pure: the
// caller reads the conversation from MongoDB (the source of truth) and the time, inside a step.
// `waitForEvent` can miss a message written just before the wait began, so silence is measured
// from the conversation's last inbound message, never from when the wait started.
import type { ConversationMode } from "../../shared/domain/conversation.js";
import type { BusinessSchedule } from "../../shared/domain/business-hours.js";
import { nextOpening } from "../../shared/domain/business-hours.js";

/** What the timer knows about the conversation, read from MongoDB. */
export interface WatchedConversation {
  mode: ConversationMode;
  /** +1 on every mode change: a timer belongs to one episode and does nothing after it. */
  episode: number;
  /** When the customer last wrote (ms since epoch), if ever. */
  lastInboundAtMs?: number;
  /** The timer's goal is already met (data complete). */
  done?: boolean;
}

export interface SilenceRules {
  /** The mode and episode this timer watches. */
  mode: ConversationMode;
  episode: number;
  /** How long the customer must be silent before the timer acts. */
  silenceMs: number;
  /** Silence is counted from here at least (when the timer began watching). */
  watchingSinceMs: number;
  /** Proactive messages wait for business hours; undefined = always open. */
  schedule?: BusinessSchedule;
}

export type SilenceAction =
  | { kind: "stop"; reason: "gone" | "mode-changed" | "done" }
  /** Not silent long enough yet (the customer wrote recently): wait this much longer. */
  | { kind: "wait"; ms: number }
  /** Silent long enough, but the business is closed: sleep until it opens, then check again. */
  | { kind: "sleep-until"; atMs: number }
  | { kind: "act" };

/** Waits are whole seconds (Inngest rounds sub-second durations up anyway). */
export function wholeSeconds(ms: number): number {
  return Math.max(1_000, Math.ceil(ms / 1_000) * 1_000);
}

export function decideAfterWait(
  conversation: WatchedConversation | null,
  nowMs: number,
  rules: SilenceRules,
): SilenceAction {
  if (!conversation) return { kind: "stop", reason: "gone" };
  if (conversation.mode !== rules.mode || conversation.episode !== rules.episode) {
    return { kind: "stop", reason: "mode-changed" };
  }
  if (conversation.done) return { kind: "stop", reason: "done" };
  const silentSince = Math.max(conversation.lastInboundAtMs ?? 0, rules.watchingSinceMs);
  const remaining = silentSince + rules.silenceMs - nowMs;
  if (remaining > 0) return { kind: "wait", ms: wholeSeconds(remaining) };
  if (rules.schedule) {
    const opens = nextOpening(new Date(nowMs), rules.schedule).getTime();
    if (opens > nowMs) return { kind: "sleep-until", atMs: opens };
  }
  return { kind: "act" };
}
