// Idempotency keys of what the worker's capabilities produce (agent replies, timer nudges, mode and
// order announcements, send requests). Each is derived from facts that do not change when a step or
// a whole run is retried (conversation, watermark, episode, order id), so a retry finds the message
// already sent and the engine drops an event it already has.
import type { NudgeKind } from "../shared/domain/conversation.js";

/** The i-th reply of the turn that handled the conversation's inbound messages up to `watermark`. */
export function replyDedupeKey(conversationId: string, watermark: number, index: number | "promos"): string {
  return `reply:${conversationId}:${watermark}:${index}`;
}

/** The n-th proactive nudge of a kind within one mode episode. */
export function nudgeDedupeKey(conversationId: string, kind: NudgeKind, episode: number, n: number): string {
  return `nudge:${kind}:${conversationId}:${episode}:${n}`;
}

/** The message telling the customer their order was placed when the promos window ran out. */
export function promosTimeoutDedupeKey(conversationId: string, episode: number): string {
  return `promos-timeout:${conversationId}:${episode}`;
}

/** `agent/mode.changed`: one per mode change (the episode grows with every change). */
export function modeChangedEventId(conversationId: string, episode: number): string {
  return `mode:${conversationId}:${episode}`;
}

/** `agent/promos.offered`: once per promos episode. */
export function promosOfferedEventId(conversationId: string, episode: number): string {
  return `promos:${conversationId}:${episode}`;
}

/** `agent/handoff.requested`, `agent/brain.failed`, `crm/contact.field-changed` (`field-<name>`): once per handled turn. */
export function turnEventId(
  kind: "handoff" | "brain-failed" | `field-${string}`,
  conversationId: string,
  watermark: number,
): string {
  return `${kind}:${conversationId}:${watermark}`;
}

/** `whatsapp/message.send-requested`: once per intended message. */
export function sendRequestedEventId(accountId: string, dedupeKey: string): string {
  return `send:${accountId}:${dedupeKey}`;
}
