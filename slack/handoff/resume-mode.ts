// Which mode a paused conversation goes back to when the bot resumes. Pure.
//
// The mode it had when a person took over (from the pause's audit entry), unless the situation
// moved on meanwhile (the order it was waiting on got decided); without one (the agent handed over by
// itself) the mode that fits what the conversation holds: an open order, complete data, some data.
import type { ConversationDoc } from "../../shared/db/index.js";
import type { ConversationMode } from "../../shared/domain/conversation.js";
import { canChangeMode, isDataComplete } from "../../shared/domain/conversation.js";

export function resumeMode(
  conversation: Pick<ConversationDoc, "collected">,
  facts: { hasOpenOrder: boolean; modeBeforePause?: ConversationMode },
): ConversationMode {
  const before = facts.modeBeforePause;
  if (before && before !== "handoff" && canChangeMode("handoff", before)) {
    if (before !== "awaiting_approval" || facts.hasOpenOrder) return before;
  }
  if (facts.hasOpenOrder) return "awaiting_approval";
  if (isDataComplete(conversation.collected)) return "promos";
  return Object.keys(conversation.collected).length > 0 ? "collecting_data" : "greeting";
}
